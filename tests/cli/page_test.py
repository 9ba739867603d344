#!/usr/bin/env python3
"""`nabla explain … --html` in a real headless browser (chromium + chromedriver via selenium).

It loads from the file system with no console errors; clicking Next through the whole sweep
ends with the gradient shown (the numbers of `nabla grad --json`, bit for bit); and at the
middle of the sweep the highlighted record is the one the text output names at that step.
The test reads the page's state (window.nablaState, the highlighted node), not pixels. Exit 77
(meson: skipped) when chromium, chromedriver or python3-selenium is absent.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
NABLA = os.environ["NABLA_CLI"]

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    # Debian's python3-selenium belongs to the system interpreter; meson may have found another
    # python3 first on PATH (a pyenv one).
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
            os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    print("python3-selenium is not installed: skipped")
    sys.exit(SKIP)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if CHROMIUM is None or DRIVER is None:
    print("chromium or chromium-driver is not installed: skipped")
    sys.exit(SKIP)

CASES = [
    # (formula, point, vars): the lectures' examples and a longer one.
    ("exp(x1)*x2^2", "0,1", None),
    ("x1^2 - x2", "1,2", None),
    ("(w1*x1 + w2*x2 - y)^2", "0.5,-1,1,2,3", "w1,w2,x1,x2,y"),
    ("log(1 + exp(sin(x1)*x2)) + x1*x1", "0.3,-1.2", None),
]


def nabla(*args):
    return subprocess.run([NABLA, *args], check=True, capture_output=True, text=True).stdout


def text_steps(formula, point, names):
    """The records the text output processes, in order: the lines '  #i …: adjoint …'."""
    args = ["explain", formula, "--at", point] + (["--vars", names] if names else [])
    out = nabla(*args)
    sweep = out[out.index("Reverse:"):out.index("Gradient:")]
    return [int(m.group(1)) for m in re.finditer(r"^  #(\d+)\b.*: adjoint", sweep, re.M)]


def main():
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    failures = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for formula, point, names in CASES:
                page = os.path.join(tmp, "sweep.html")
                extra = ["--vars", names] if names else []
                nabla("explain", formula, "--at", point, "--html", page, *extra)
                html = open(page, encoding="utf-8").read()
                # Self-contained: no external script, style, font or image.
                for pattern in [r"<script[^>]+src=", r"<link\b", r"@import", r"url\(\s*['\"]?https?:",
                                r"src=\"https?:"]:
                    if re.search(pattern, html):
                        print(f"FAIL {formula}: the page loads something external ({pattern})")
                        failures += 1
                driver.get("file://" + page)
                logs = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
                if logs:
                    print(f"FAIL {formula}: console messages {logs}")
                    failures += 1
                steps = text_steps(formula, point, names)
                state = driver.execute_script("return window.nablaState")
                if state["steps"] != len(steps) or state["step"] != 0:
                    print(f"FAIL {formula}: page has {state['steps']} steps, the text {len(steps)}")
                    failures += 1
                    continue
                middle = len(steps) // 2 + 1  # 1-based step in the middle of the sweep
                next_button = driver.find_element(By.ID, "next")
                for k in range(1, len(steps) + 1):
                    next_button.click()
                    state = driver.execute_script("return window.nablaState")
                    highlighted = driver.find_elements(By.CSS_SELECTOR, ".node.current")
                    ids = [h.get_attribute("id") for h in highlighted]
                    if state["step"] != k or state["record"] != steps[k - 1] or \
                            ids != [f"node-{steps[k - 1]}"]:
                        print(f"FAIL {formula}: step {k}: page {state['record']} {ids}, "
                              f"text #{steps[k - 1]}")
                        failures += 1
                    if k == middle:
                        print(f"{formula}: middle step {k} highlights #{state['record']}, "
                              f"the text's step {k} is #{steps[k - 1]}")
                    if (k < len(steps)) == state["done"]:
                        print(f"FAIL {formula}: done={state['done']} at step {k}")
                        failures += 1
                gradient_box = driver.find_element(By.ID, "gradient")
                want = json.loads(nabla("grad", formula, "--at", point, "--json", *extra))["gradient"]
                if not gradient_box.is_displayed() or state["gradient"] != want:
                    print(f"FAIL {formula}: gradient {state['gradient']} shown="
                          f"{gradient_box.is_displayed()}, nabla grad {want}")
                    failures += 1
                # Back returns to the start; the page stays consistent.
                back = driver.find_element(By.ID, "back")
                for _ in range(len(steps)):
                    back.click()
                state = driver.execute_script("return window.nablaState")
                if state["step"] != 0 or state["record"] is not None or gradient_box.is_displayed():
                    print(f"FAIL {formula}: Back did not return to the start: {state}")
                    failures += 1
                logs = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
                if logs:
                    print(f"FAIL {formula}: console messages after stepping {logs}")
                    failures += 1
                print(f"{formula}: {len(steps)} steps, gradient {want}")
    finally:
        driver.quit()
    print("OK" if failures == 0 else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#include "html_page.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>

#include <nabla/autodiff/core/error.hpp>

#include "problem.hpp"

namespace nabla::cli {

namespace {

// The page: styles, the skeleton, and the script that lays out the graph (one column per
// depth from the inputs) and steps through DATA.outputs[k].steps.
constexpr std::string_view kHead = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nabla explain</title>
<style>
[hidden] { display: none !important; }
body { font-family: sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; font-family: monospace; }
#controls button { font-size: 1em; padding: 0.3em 1.2em; margin-right: 0.5em; }
#status { font-family: monospace; margin: 0.8em 0; white-space: pre-wrap; min-height: 3.6em; }
svg { border: 1px solid #ccc; background: #fcfcfc; max-width: 100%; }
.node rect { fill: #eef3fb; stroke: #5b7db1; stroke-width: 1.2; }
.node.input rect { fill: #eaf6ea; stroke: #4c8f4c; }
.node.current rect { fill: #ffd966; stroke: #b8860b; stroke-width: 2.5; }
.node.receiving rect { fill: #fde9d9; stroke: #c0504d; stroke-width: 2; }
.node text, .edge text { font-family: monospace; font-size: 12px; }
.edge line { stroke: #999; stroke-width: 1.2; marker-end: url(#arrow); }
.edge.active line { stroke: #c0504d; stroke-width: 3; }
.edge.active text { fill: #c0504d; font-weight: bold; }
table { border-collapse: collapse; margin-top: 1em; font-family: monospace; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.7em; text-align: left; }
tr.current td { background: #ffd966; }
tr.receiving td { background: #fde9d9; }
#gradient { margin-top: 1em; font-family: monospace; font-size: 1.1em; padding: 0.5em;
            border: 2px solid #4c8f4c; display: inline-block; }
</style>
</head>
<body>
<h1 id="formula"></h1>
<p id="point"></p>
<p>Reverse mode: the adjoint of the output is 1; each step takes one record, whose adjoint is
complete, and adds adjoint × local partial to each of its inputs (the highlighted edges; the
status lists each contribution and the input's adjoint after it). A record whose adjoint is 0
passes nothing on, so the sweep skips it.</p>
<div id="controls">
<button id="back" type="button">Back</button><button id="next" type="button">Next</button>
<label id="output-choice" hidden>output <select id="output"></select></label>
</div>
<div id="status"></div>
<div id="current" data-record="" data-step="0"></div>
<svg id="graph" xmlns="http://www.w3.org/2000/svg"></svg>
<table id="adjoints"><thead><tr><th>record</th><th>operation</th><th>value</th>
<th>adjoint so far</th></tr></thead><tbody></tbody></table>
<div id="gradient" hidden></div>
<script>
"use strict";
const DATA = )html";

constexpr std::string_view kScript = R"html(;
const SVG = "http://www.w3.org/2000/svg";
let out = 0, step = 0;
function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}
function num(v) { return typeof v === "number" ? String(v) : v; }
function trace() { return DATA.outputs[out]; }
function layout(t) {
  const depth = {}, columns = [];
  for (const r of t.records) {
    let d = 0;
    for (const i of r.inputs) d = Math.max(d, depth[i] + 1);
    depth[r.index] = d;
    (columns[d] = columns[d] || []).push(r.index);
  }
  const pos = {}, W = 170, H = 64, boxW = 140, boxH = 40;
  let rows = 0;
  columns.forEach((c, d) => { rows = Math.max(rows, c.length);
    c.forEach((i, k) => { pos[i] = {x: 20 + d * W, y: 20 + k * H}; }); });
  return {pos, width: 40 + columns.length * W, height: 40 + rows * H, boxW, boxH};
}
function draw() {
  const t = trace(), svg = document.getElementById("graph");
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const L = layout(t);
  svg.setAttribute("width", L.width); svg.setAttribute("height", L.height);
  svg.setAttribute("viewBox", "0 0 " + L.width + " " + L.height);
  const defs = el("defs", {});
  const marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
                               markerWidth: "7", markerHeight: "7", orient: "auto"});
  marker.appendChild(el("path", {d: "M 0 0 L 10 5 L 0 10 z", fill: "#999"}));
  defs.appendChild(marker); svg.appendChild(defs);
  for (const r of t.records) r.inputs.forEach((i, k) => {
    const a = L.pos[i], b = L.pos[r.index];
    const g = el("g", {class: "edge", id: "edge-" + i + "-" + r.index + "-" + k});
    g.appendChild(el("line", {x1: a.x + L.boxW, y1: a.y + L.boxH / 2, x2: b.x, y2: b.y + L.boxH / 2}));
    // The local partial, written near the head of its edge, where edges do not cross yet.
    const t = 0.7, x1 = a.x + L.boxW, y1 = a.y + L.boxH / 2, x2 = b.x, y2 = b.y + L.boxH / 2;
    g.appendChild(el("text", {x: x1 + t * (x2 - x1) - 12, y: y1 + t * (y2 - y1) - 5},
                     num(r.partials[k])));
    svg.appendChild(g);
  });
  for (const r of t.records) {
    const p = L.pos[r.index];
    const g = el("g", {class: "node" + (r.operation === "input" ? " input" : ""),
                       id: "node-" + r.index, transform: "translate(" + p.x + "," + p.y + ")"});
    g.appendChild(el("rect", {width: L.boxW, height: L.boxH, rx: 6}));
    g.appendChild(el("text", {x: 6, y: 16}, r.name + " " + r.operation));
    g.appendChild(el("text", {x: 6, y: 32}, "= " + num(r.value)));
    svg.appendChild(g);
  }
}
function adjointsAt(t, k) {
  const adj = {};
  for (const r of t.records) adj[r.index] = 0;
  if (t.output !== undefined) adj[t.output] = 1;
  for (let s = 0; s < k; ++s) for (const c of t.steps[s].contributions) adj[c.input] = c.after;
  return adj;
}
function nameOf(t, i) { for (const r of t.records) if (r.index === i) return r.name; return "#" + i; }
function show() {
  const t = trace(), n = t.steps.length;
  step = Math.max(0, Math.min(step, n));
  const cur = step > 0 ? t.steps[step - 1] : null;
  document.querySelectorAll(".node, .edge").forEach(e => e.classList.remove("current", "receiving", "active"));
  const receiving = new Set();
  if (cur) {
    const node = document.getElementById("node-" + cur.record);
    if (node) node.classList.add("current");
    cur.contributions.forEach((c, k) => {
      receiving.add(c.input);
      const e = document.getElementById("edge-" + c.input + "-" + cur.record + "-" + k);
      if (e) e.classList.add("active");
      const m = document.getElementById("node-" + c.input);
      if (m) m.classList.add("receiving");
    });
  }
  const adj = adjointsAt(t, step);
  const body = document.querySelector("#adjoints tbody");
  body.textContent = "";
  for (const r of t.records) {
    const tr = document.createElement("tr");
    if (cur && r.index === cur.record) tr.className = "current";
    else if (receiving.has(r.index)) tr.className = "receiving";
    tr.id = "row-" + r.index;
    for (const v of [r.name, r.operation, num(r.value), num(adj[r.index])]) {
      const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  let text;
  if (t.steps.length === 0) text = "The output is a constant: it depends on no variable.";
  else if (!cur) text = "Start: the adjoint of " + nameOf(t, t.output) + " is 1. Press Next.";
  else {
    text = "Step " + step + " of " + n + ": " + nameOf(t, cur.record) + " has adjoint " + num(cur.adjoint);
    const rec = t.records.find(r => r.index === cur.record);
    if (rec && rec.operation === "input")
      text += " — an input: its adjoint is ∂" + DATA.output_names[out] + "/∂" + rec.label;
    for (const c of cur.contributions)
      text += "\n  → " + nameOf(t, c.input) + ": += " + num(cur.adjoint) + " × " + num(c.partial) +
              " = " + num(c.amount) + "   (now " + num(c.after) + ")";
  }
  document.getElementById("status").textContent = text;
  const done = step === n;
  const grad = document.getElementById("gradient");
  grad.hidden = !done;
  grad.textContent = "Gradient: " + DATA.variables.map((v, j) =>
      "∂" + DATA.output_names[out] + "/∂" + v + " = " + num(t.gradient[j])).join(",  ");
  const current = document.getElementById("current");
  current.dataset.record = cur ? String(cur.record) : "";
  current.dataset.step = String(step);
  document.getElementById("back").disabled = step === 0;
  document.getElementById("next").disabled = done;
  window.nablaState = {step: step, steps: n, record: cur ? cur.record : null,
                       name: cur ? nameOf(t, cur.record) : null, done: done,
                       gradient: done ? t.gradient.slice() : null, output: out};
}
document.getElementById("formula").textContent = DATA.title;
document.getElementById("point").textContent = "at " + DATA.point_text;
document.title = "nabla explain: " + DATA.formula;
document.getElementById("next").addEventListener("click", () => { ++step; show(); });
document.getElementById("back").addEventListener("click", () => { --step; show(); });
if (DATA.outputs.length > 1) {
  const select = document.getElementById("output");
  DATA.outputs.forEach((o, k) => { const opt = document.createElement("option");
    opt.value = String(k); opt.textContent = DATA.output_names[k]; select.appendChild(opt); });
  select.addEventListener("change", () => { out = Number(select.value); step = 0; draw(); show(); });
  document.getElementById("output-choice").hidden = false;
}
draw(); show();
</script>
</body>
</html>
)html";

}  // namespace

std::string html_page(const Formula& f, const Eigen::VectorXd& x,
                      const std::vector<ReverseTrace>& traces,
                      const std::vector<std::size_t>& outputs) {
  nlohmann::json data;
  data["formula"] = f.text();
  data["variables"] = f.variables();
  std::string point;
  for (Eigen::Index i = 0; i < x.size(); ++i)
    point += fmt::format("{}{} = {}", i > 0 ? ", " : "", f.variables()[static_cast<std::size_t>(i)],
                         format_number(x[i], 0));
  data["point_text"] = x.size() == 0 ? "(no variables)" : point;
  data["title"] = fmt::format("f({}) = {}", fmt::join(f.variables(), ", "), f.text());
  nlohmann::json outs = nlohmann::json::array();
  nlohmann::json names = nlohmann::json::array();
  for (std::size_t k = 0; k < traces.size(); ++k) {
    outs.push_back(to_json(traces[k]));
    names.push_back(f.outputs() == 1 ? std::string("f") : fmt::format("f{}", outputs[k] + 1));
  }
  data["outputs"] = outs;
  data["output_names"] = names;
  // ensure_ascii: the page's script holds only ASCII, whatever the formula; '<', '>' and '&'
  // become \u escapes (they occur only inside JSON strings), so no text can close the <script>
  // element or open a comment in it.
  const std::string json = data.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
  std::string safe;
  safe.reserve(json.size());
  for (const char c : json) {
    if (c == '<')
      safe += "\\u003c";
    else if (c == '>')
      safe += "\\u003e";
    else if (c == '&')
      safe += "\\u0026";
    else
      safe += c;
  }
  return std::string(kHead) + safe + std::string(kScript);
}

void write_html_page(const std::string& path, const Formula& f, const Eigen::VectorXd& x,
                     const std::vector<ReverseTrace>& traces,
                     const std::vector<std::size_t>& outputs) {
  std::ofstream file(path, std::ios::binary);
  if (!file) throw Error(fmt::format("cannot write {}", path));
  file << html_page(f, x, traces, outputs);
  if (!file.flush()) throw Error(fmt::format("writing {} failed", path));
}

}  // namespace nabla::cli

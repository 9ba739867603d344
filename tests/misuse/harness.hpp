// The misuse suite's harness: every case runs in a fork()ed child, on a thread of its own with an
// 8 MB stack (the default main-thread stack on Linux; the child's RLIMIT_STACK is set to the
// same), under an alarm. A crash, a sanitizer report, a leak or a hang fails that one case only,
// and the child's stderr is printed with the failure so an ASan report is readable.
//
// The child reports one outcome over a pipe:
//   threw <dynamic type>: <what()>      the case's body threw
//   returned normally: <text>           the body returned (text: what it computed)
// and the parent checks it against what the case documents:
//
//   misuse::expect_throw<nabla::ShapeError>([] { ...; return std::string(); },
//                                           {"nabla::jvp", "size 3"});
//   misuse::expect_return([] { ...; return fmt::format("{}", r.stop_reason); }, {"diverged"});
//
// The body must not use doctest's assertions (they would run in the child); it returns a string
// describing what it computed, and the parent checks the words.
#pragma once

#include <cxxabi.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>

namespace misuse {

inline constexpr std::size_t stack_bytes = std::size_t{8} << 20;
// Long enough for the 10⁷-record cases under ASan on a loaded 2-core machine.
inline constexpr unsigned timeout_seconds = 300;

inline std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> p(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                           std::free);
  return status == 0 && p ? std::string(p.get()) : std::string(name);
}

struct Outcome {
  enum class Kind { Threw, Returned, Crashed };
  Kind kind = Kind::Crashed;
  std::string type;     // Threw: the exception's dynamic type
  std::string text;     // Threw: what(); Returned: the body's text; Crashed: how it ended
  std::string stderr_;  // everything the child wrote to stderr
};

namespace detail {

// The handlers of the fatal signals before doctest's main() installs its own (at static
// initialisation: the default ones, or the sanitizer's): the child restores them, so that a
// crash in a case ends the child with the signal (or ASan's report), not with doctest's
// crash report and summary printed by the child.
inline constexpr int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM, SIGTERM};
struct SavedHandlers {
  struct sigaction actions[std::size(fatal_signals)];
  SavedHandlers() {
    for (std::size_t k = 0; k < std::size(fatal_signals); ++k)
      ::sigaction(fatal_signals[k], nullptr, &actions[k]);
  }
  void restore() const {
    for (std::size_t k = 0; k < std::size(fatal_signals); ++k)
      ::sigaction(fatal_signals[k], &actions[k], nullptr);
  }
};
inline const SavedHandlers saved_handlers;

struct Job {
  std::function<std::string()> body;
  std::string report;
};

inline void* run_job(void* p) {
  Job& job = *static_cast<Job*>(p);
  try {
    job.report = "R" + job.body();
  } catch (const std::exception& e) {
    job.report = "T" + demangle(typeid(e).name()) + "\n" + e.what();
  } catch (...) {
    job.report = "Tunknown (not a std::exception)\n";
  }
  return nullptr;
}

inline void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

inline std::string read_fd(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

[[noreturn]] inline void child(int report_fd, int stderr_fd, std::function<std::string()> body,
                               unsigned timeout) {
  saved_handlers.restore();
  ::dup2(stderr_fd, STDERR_FILENO);
  ::close(stderr_fd);
  ::alarm(timeout);  // SIGALRM's default action ends a hung case
  const rlimit lim{stack_bytes, stack_bytes};
  ::setrlimit(RLIMIT_STACK, &lim);
  Job job{std::move(body), {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  if (pthread_create(&thread, &attr, run_job, &job) != 0) {
    write_all(report_fd, "Cpthread_create failed");
    std::_Exit(3);
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  write_all(report_fd, job.report);
  ::close(report_fd);
  // exit(), not _exit(): LeakSanitizer checks the child at exit and fails it on a leak.
  std::exit(0);
}

}  // namespace detail

// Runs body in a child process and says how it ended.
inline Outcome run_isolated(std::function<std::string()> body, unsigned timeout = timeout_seconds) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int report[2];
  REQUIRE(::pipe(report) == 0);
  std::FILE* err = std::tmpfile();  // the child's stderr: any size, read after it ends
  REQUIRE(err != nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(report[0]);
    detail::child(report[1], ::dup(::fileno(err)), std::move(body), timeout);
  }
  ::close(report[1]);
  std::string msg;
  // The child's alarm ends a hang; the parent waits a little longer, then kills it itself.
  pollfd pfd{report[0], POLLIN, 0};
  bool killed = false;
  for (;;) {
    const int r = ::poll(&pfd, 1, static_cast<int>((timeout + 30) * 1000));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    char buf[4096];
    const ssize_t n = ::read(report[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    msg.append(buf, static_cast<std::size_t>(n));
  }
  ::close(report[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  Outcome out;
  std::fflush(err);
  std::rewind(err);
  out.stderr_ = detail::read_fd(::fileno(err));
  std::fclose(err);
  if (killed || (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)) {
    out.text = "hung: no outcome within " + std::to_string(timeout) + " s";
  } else if (WIFSIGNALED(status)) {
    out.text = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out.text = "exited with status " + std::to_string(WEXITSTATUS(status)) +
               " (a sanitizer or leak report, or std::terminate)";
  } else if (!msg.empty() && msg[0] == 'T') {
    out.kind = Outcome::Kind::Threw;
    const std::size_t nl = msg.find('\n');
    out.type = msg.substr(1, nl - 1);
    out.text = nl == std::string::npos ? "" : msg.substr(nl + 1);
  } else if (!msg.empty() && msg[0] == 'R') {
    out.kind = Outcome::Kind::Returned;
    out.text = msg.substr(1);
  } else {
    out.text = "exited without reporting an outcome: " + msg;
  }
  return out;
}

inline std::string describe(const Outcome& o) {
  std::string s;
  switch (o.kind) {
    case Outcome::Kind::Threw: s = "threw " + o.type + ": " + o.text; break;
    case Outcome::Kind::Returned: s = "returned normally: " + o.text; break;
    case Outcome::Kind::Crashed: s = "crashed: " + o.text; break;
  }
  if (!o.stderr_.empty()) s += "\n--- the child's stderr ---\n" + o.stderr_;
  return s;
}

inline bool contains_all(const std::string& text, std::initializer_list<std::string_view> words,
                         std::string& missing) {
  for (std::string_view w : words)
    if (text.find(w) == std::string::npos) {
      missing = std::string(w);
      return false;
    }
  return true;
}

// The body must throw exactly E (its dynamic type, not a subclass or base), with a message that
// contains every word.
template <class E>
void expect_throw(std::function<std::string()> body,
                  std::initializer_list<std::string_view> words) {
  const Outcome o = run_isolated(std::move(body));
  const std::string expected = demangle(typeid(E).name());
  INFO("outcome: ", describe(o));
  INFO("expected: threw ", expected);
  REQUIRE(o.kind == Outcome::Kind::Threw);
  CHECK(o.type == expected);
  std::string missing;
  INFO("the message lacks: \"", missing, "\"");
  CHECK(contains_all(o.text, words, missing));
}

// The body must return normally, with a text that contains every word.
inline void expect_return(std::function<std::string()> body,
                          std::initializer_list<std::string_view> words) {
  const Outcome o = run_isolated(std::move(body));
  INFO("outcome: ", describe(o));
  REQUIRE(o.kind == Outcome::Kind::Returned);
  std::string missing;
  INFO("the result lacks: \"", missing, "\"");
  CHECK(contains_all(o.text, words, missing));
}

}  // namespace misuse

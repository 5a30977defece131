// SIGINT, SIGTERM and SIGHUP during a search: the built binary says what it covered, leaves
// no temporary file and dies of the signal, as a shell expects (status 128 + signal).
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include "interlock/checker/Explorer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using interlock::test::TempDir;

namespace {

struct Finished {
  int status = 0;  // as waitpid reports it
  std::string out;
  std::string err;
};

// Starts the binary, sends `signal` once the search has reported progress (so it is running,
// handlers installed) and collects everything it prints.
Finished interruptedRun(const std::vector<std::string>& args, int signal) {
  int out[2], err[2];
  REQUIRE(::pipe(out) == 0);
  REQUIRE(::pipe(err) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::close(out[0]);
    ::close(err[0]);
    ::setenv("INTERLOCK_PROGRESS_INTERVAL", "0", 1);
    std::vector<const char*> argv{INTERLOCK_BINARY};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    argv.push_back(nullptr);
    ::execv(INTERLOCK_BINARY, const_cast<char* const*>(argv.data()));
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  Finished done;
  bool signalled = false;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open = 2;
  while (open > 0) {
    REQUIRE(::poll(fds, 2, -1) > 0);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
        continue;
      }
      (i == 0 ? done.out : done.err).append(buffer, static_cast<std::size_t>(n));
    }
    if (!signalled && done.err.find('\n') != std::string::npos) {
      ::kill(child, signal);
      signalled = true;
    }
  }
  REQUIRE(::waitpid(child, &done.status, 0) == child);
  return done;
}

}  // namespace

TEST_CASE("an interrupted run says what it covered, removes its temporary file and dies of the signal") {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    CAPTURE(signal);
    const TempDir dir;
    // A passing scenario sampled without end: only the signal stops it.
    const Finished r = interruptedRun({"run", "eresource/critical-region", "--strategy", "random",
                                       "--max-executions", "1000000000000", "--trace", dir / "trace.json"},
                                      signal);
    CHECK(WIFSIGNALED(r.status));
    CHECK(WTERMSIG(r.status) == signal);
    CHECK(r.out.find("verdict   interrupted after ") != std::string::npos);
    CHECK(r.out.find(", no violation found so far\n") != std::string::npos);
    CHECK(r.err.find("interlock: interrupted by SIG") != std::string::npos);
    CHECK(dir.files().empty());
  }
}

TEST_CASE("a search whose interrupt flag is set stops before its next execution, incomplete") {
  const interlock::Scenario& scenario = *interlock::test::builtinCatalogue().find("eresource/critical-region");
  for (const unsigned jobs : {1u, 2u}) {
    CAPTURE(jobs);
    std::atomic<bool> interrupt{true};
    interlock::Settings settings = interlock::defaultSettings(scenario);
    settings.strategy = "naive";
    settings.jobs = jobs;
    settings.interrupt = &interrupt;
    const interlock::Exploration exploration = interlock::explore(scenario, settings);
    CHECK(exploration.verdict.result == interlock::Result::Incomplete);
    CHECK(exploration.verdict.incompleteReason == "interrupted");
    CHECK(exploration.stats.executions == 0);
  }
}

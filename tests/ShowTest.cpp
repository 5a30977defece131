// `interlock show TRACE --format text|mermaid|perfetto|dot`, and `run`/`replay --format`:
// golden output for each format, the same renderer everywhere, bad input exits 2 naming
// the problem, colour only for a terminal without NO_COLOR.
#include "CliSupport.hpp"
#include "ReportSupport.hpp"
#include "TempDir.hpp"

#include "interlock/reports/Render.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <pty.h>
#include <unistd.h>

using namespace interlock;
using interlock::test::checkGolden;
using interlock::test::liveView;
using interlock::test::runCli;
using interlock::test::ScopedEnv;
using interlock::test::TempDir;
using nlohmann::json;

namespace {

constexpr const char* kFormats[] = {"text", "mermaid", "perfetto", "dot"};

std::string extension(const std::string& format) {
  if (format == "text") return "txt";
  if (format == "mermaid") return "mmd";
  if (format == "perfetto") return "perfetto.json";
  return "dot";
}

// A trace written by `interlock run NAME --trace`, as a user would have it.
std::string tracePath(const TempDir& dir, const std::string& name) {
  std::string file = name;
  for (char& c : file)
    if (c == '/') c = '_';
  const std::string path = dir.file(file + ".json");
  REQUIRE(runCli({"run", name, "--trace", path, "--json"}).status == 1);
  return path;
}

// The document a valid trace holds, changed by `edit`, written to a file.
template <typename Edit>
std::string editedTrace(const TempDir& dir, const std::string& name, Edit edit) {
  std::ifstream in(tracePath(dir, "eresource/suspended-owner"));
  json doc = json::parse(in);
  edit(doc);
  return dir.write(name, doc.dump(2));
}

}  // namespace

TEST_CASE("show prints the suspended-owner counterexample in every format as the golden files say") {
  const TempDir dir;
  const ScopedEnv noColour("NO_COLOR", "1");
  const std::string path = tracePath(dir, "eresource/suspended-owner");
  for (const std::string format : kFormats) {
    CAPTURE(format);
    const auto r = runCli({"show", path, "--format", format});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    checkGolden("suspended-owner." + extension(format), r.out);
  }
}

TEST_CASE("show prints the lock-order deadlock as the golden files say") {
  const TempDir dir;
  const ScopedEnv noColour("NO_COLOR", "1");
  const std::string path = tracePath(dir, "lock-order/abba");
  checkGolden("abba.txt", runCli({"show", path}).out);
  checkGolden("abba.dot", runCli({"show", path, "--format", "dot"}).out);
}

TEST_CASE("run --format and replay --format print what show prints; other formats own stdout") {
  const TempDir dir;
  const ScopedEnv noColour("NO_COLOR", "1");
  const std::string path = tracePath(dir, "eresource/suspended-owner");
  for (const std::string format : kFormats) {
    CAPTURE(format);
    const std::string shown = runCli({"show", path, "--format", format}).out;
    const auto run = runCli({"run", "eresource/suspended-owner", "--strategy", "naive", "--format", format});
    const auto replayed = runCli({"replay", path, "--format", format});
    CHECK(run.status == 1);
    CHECK(replayed.status == 1);
    if (format == "text") {
      CHECK(run.out.find("\n" + shown + "\n") != std::string::npos);
      CHECK(replayed.out.find("\n" + shown + "\n") != std::string::npos);
      CHECK(replayed.out.find("replay    reproduced the trace exactly") != std::string::npos);
    } else {
      CHECK(run.out == shown);
      CHECK(replayed.out == shown);
      CHECK(run.err.find("verdict   violation: SuspendedOwnerDoS (SuspendedOwner)") != std::string::npos);
      CHECK(run.err.find("strategy naive") != std::string::npos);
      CHECK(replayed.err.find("replay    reproduced the trace exactly") != std::string::npos);
    }
  }
}

TEST_CASE("run text opens with the verdict and the explanation, and ends with bounds and replay") {
  const ScopedEnv noColour("NO_COLOR", "1");
  const auto r = runCli({"run", "eresource/suspended-owner", "--strategy", "naive"});
  CHECK(r.out.rfind("scenario  eresource/suspended-owner\n"
                    "verdict   violation: SuspendedOwnerDoS (SuspendedOwner)\n"
                    "expected  SuspendedOwnerDoS (SuspendedOwner) (met)\n\n"
                    "user (unprivileged process) was suspended while it owned ERESOURCE Resource;",
                    0) == 0);
  CHECK(r.out.find("bounds    strategy naive; bounds: 1000 steps per execution") != std::string::npos);
  CHECK(r.out.find("replay    interlock run eresource/suspended-owner --strategy naive --trace trace.json") != std::string::npos);
}

TEST_CASE("perfetto output is trace-event JSON: lock holds and waits as spans, adversary events as instants") {
  const json doc = json::parse(render(liveView("eresource/suspended-owner"), Format::Perfetto));
  const json& events = doc.at("traceEvents");
  auto find = [&](const std::string& name, const std::string& phase) -> const json* {
    for (const json& e : events)
      if (e.at("name") == name && e.at("ph") == phase) return &e;
    return nullptr;
  };
  const json* hold = find("holds Resource (exclusive)", "X");
  REQUIRE(hold != nullptr);
  CHECK(hold->at("tid") == 1);  // user
  CHECK(hold->at("ts") == 0);
  CHECK(hold->at("dur") == 4);  // to the end: the suspended owner never releases
  const json* wait = find("waits for Resource (exclusive)", "X");
  REQUIRE(wait != nullptr);
  CHECK(wait->at("tid") == 2);  // system
  CHECK(wait->at("ts") == 2);
  const json* suspend = find("NtSuspendThread(user) -> suspend APC queued", "i");
  REQUIRE(suspend != nullptr);
  CHECK(suspend->at("cat") == "adversary");
  CHECK(suspend->at("ts") == 1);
  CHECK(find("SuspendedOwnerDoS (SuspendedOwner)", "i") != nullptr);
  CHECK(find("thread_name", "M") != nullptr);
  for (const json& e : events)
    if (e.at("ph") != "M") CHECK(e.at("ts").is_number_unsigned());
}

TEST_CASE("mermaid output is a sequenceDiagram of threads and objects") {
  const std::string text = render(liveView("eresource/suspended-owner"), Format::Mermaid);
  CHECK(text.find("sequenceDiagram\n") != std::string::npos);
  CHECK(text.find("    participant T0 as user (unprivileged process)\n") != std::string::npos);
  CHECK(text.find("    participant O0 as ERESOURCE Resource\n") != std::string::npos);
  CHECK(text.find("    T0->>O0: ExAcquireResourceExclusiveLite(&Resource, TRUE) → TRUE\n") != std::string::npos);
  CHECK(text.find("    T1-xO0: ExAcquireResourceExclusiveLite(&Resource, TRUE) → waits\n") != std::string::npos);
  CHECK(text.find("    Note over T0: ⚡ adversary: NtSuspendThread(user)") != std::string::npos);
  CHECK(text.find(';') == std::string::npos);  // Mermaid would end the statement there
}

TEST_CASE("dot output is the final wait-for graph with the chain and the suspended owner marked") {
  const std::string text = render(liveView("eresource/suspended-owner"), Format::Dot);
  CHECK(text.rfind("digraph \"wait-for\" {\n", 0) == 0);
  CHECK(text.find("\"thread system\" -> \"object Resource\" [label=\"waits (exclusive)\", color=\"#cc0000\"") !=
        std::string::npos);
  CHECK(text.find("\"object Resource\" -> \"thread user\" [label=\"owned by (exclusive x1)\"") != std::string::npos);
  CHECK(text.find("\"thread user\" [label=\"user\\n(unprivileged process)\\nsuspended\", shape=ellipse, "
                  "style=\"filled,bold\"") != std::string::npos);
  CHECK(text.find("Table") == std::string::npos);  // nobody owns or waits on it
}

TEST_CASE("every format gives the same bytes for the same counterexample") {
  for (const std::string format : kFormats) {
    CAPTURE(format);
    const Format chosen = *parseFormat(format);
    CHECK(render(liveView("lock-order/abba"), chosen) == render(liveView("lock-order/abba"), chosen));
    CHECK(render(liveView("eresource/suspended-owner"), chosen, TextStyle{true}) ==
          render(liveView("eresource/suspended-owner"), chosen, TextStyle{true}));
  }
  CHECK(formatNames() == std::vector<std::string>{"text", "mermaid", "perfetto", "dot"});
  CHECK_FALSE(parseFormat("svg").has_value());
}

TEST_CASE("show of a missing file exits 2 naming the file") {
  const TempDir dir;
  const std::string missing = dir.file("missing.json");
  const auto r = runCli({"show", missing});
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "interlock: " + missing + ": cannot open the file for reading\n");
}

TEST_CASE("show of a file that is not JSON exits 2 saying so") {
  const TempDir dir;
  const std::string path = dir.write("notjson.json", "interlock-trace, version 1\n");
  const auto r = runCli({"show", path});
  CHECK(r.status == 2);
  CHECK(r.err.find("interlock: " + path + ": not valid JSON") == 0);
}

TEST_CASE("show of another format or version exits 2 naming the field") {
  const TempDir dir;
  const std::string format = dir.write("pcap.json", R"({"format": "pcap", "version": 1})");
  const auto f = runCli({"show", format});
  CHECK(f.status == 2);
  CHECK(f.err == "interlock: " + format + ": field 'format': expected \"interlock-trace\", found \"pcap\"\n");
  const std::string version = editedTrace(dir, "v2.json", [](json& doc) { doc["version"] = 2; });
  const auto v = runCli({"show", version});
  CHECK(v.status == 2);
  CHECK(v.err.find(version + ": field 'version': expected 1, found 2") != std::string::npos);
}

TEST_CASE("show of a trace missing a field it renders exits 2 naming the field") {
  const TempDir dir;
  const std::string noEvents = editedTrace(dir, "noevents.json", [](json& doc) { doc.erase("events"); });
  const auto a = runCli({"show", noEvents});
  CHECK(a.status == 2);
  CHECK(a.err == "interlock: " + noEvents + ": field 'events' is missing\n");
  const std::string badStep = editedTrace(dir, "badstep.json", [](json& doc) { doc["events"][3]["step"] = "three"; });
  const auto b = runCli({"show", badStep});
  CHECK(b.status == 2);
  CHECK(b.err.find("field 'events[3].step': expected a whole number") != std::string::npos);
  const std::string ghost = editedTrace(dir, "ghost.json", [](json& doc) { doc["events"][0]["thread"] = "ghost"; });
  const auto c = runCli({"show", ghost});
  CHECK(c.status == 2);
  CHECK(c.err.find("field 'events[0].thread': names thread \"ghost\", which final_state.threads lacks") !=
        std::string::npos);
}

TEST_CASE("an unknown --format value exits 2 naming the option and the choices") {
  const TempDir dir;
  const std::string path = tracePath(dir, "eresource/suspended-owner");
  for (const auto& r : {runCli({"show", path, "--format", "svg"}),
                        runCli({"run", "lock-order/abba", "--strategy", "naive", "--format", "svg"}),
                        runCli({"replay", path, "--format", "svg"})}) {
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("--format: svg not in {text,mermaid,perfetto,dot}") != std::string::npos);
  }
}

TEST_CASE("--format and --json together exit 2") {
  const auto r = runCli({"run", "lock-order/abba", "--strategy", "naive", "--json", "--format", "dot"});
  CHECK(r.status == 2);
  const bool named = r.err.find("--json excludes --format") != std::string::npos ||
                     r.err.find("--format excludes --json") != std::string::npos;
  CHECK_MESSAGE(named, r.err);
}

TEST_CASE("colour only when stdout is a terminal and NO_COLOR is unset or empty") {
  const TempDir dir;
  const std::string path = tracePath(dir, "eresource/suspended-owner");
  int terminal = -1;
  int side = -1;
  REQUIRE(::openpty(&terminal, &side, nullptr, nullptr, nullptr) == 0);
  auto onTerminal = [&](std::initializer_list<std::string> args) {
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(side, STDOUT_FILENO);
    const auto r = runCli(args);  // captures std::cout; the terminal only answers isatty
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    return r;
  };
  const ScopedEnv term("TERM", "xterm-256color");
  {
    const ScopedEnv unset("NO_COLOR", std::nullopt);
    const auto r = onTerminal({"show", path});
    CHECK(r.out.find("\x1b[") != std::string::npos);
    CHECK(stripAnsi(r.out) == runCli({"show", path}).out);  // not a terminal: plain
    CHECK(runCli({"show", path}).out.find('\x1b') == std::string::npos);
    CHECK(onTerminal({"show", path, "--format", "mermaid"}).out.find('\x1b') == std::string::npos);
  }
  {
    const ScopedEnv empty("NO_COLOR", "");
    CHECK(onTerminal({"show", path}).out.find("\x1b[") != std::string::npos);
  }
  {
    const ScopedEnv set("NO_COLOR", "1");
    CHECK(onTerminal({"show", path}).out.find('\x1b') == std::string::npos);
    CHECK(onTerminal({"run", "lock-order/abba"}).out.find('\x1b') == std::string::npos);
  }
  {
    const ScopedEnv unset("NO_COLOR", std::nullopt);
    const ScopedEnv dumb("TERM", "dumb");
    CHECK(onTerminal({"show", path}).out.find('\x1b') == std::string::npos);
  }
  ::close(side);
  ::close(terminal);
}

// Files built to hurt the readers (replay, show, merge): each exits 2 with a message naming
// the file, quickly and in bounded memory, instead of crashing or running for minutes.
#include "CliSupport.hpp"
#include "TempDir.hpp"

#include "interlock/reports/JsonInput.hpp"
#include "interlock/reports/Trace.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <string>

using interlock::test::runCli;
using interlock::test::TempDir;
using interlock::test::readFile;
using interlock::test::writeFile;
using nlohmann::json;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

// A real trace of the catalogue, as `run --trace` writes it.
json catalogueTrace(const TempDir& dir) {
  const std::string path = dir / "real.json";
  REQUIRE(runCli({"run", "eresource/suspended-owner", "--strategy", "naive", "--trace", path}).status == 1);
  return json::parse(readFile(path));
}

}  // namespace

TEST_CASE("input nested a hundred thousand levels deep exits 2 from replay, show and merge, naming the limit") {
  const TempDir dir;
  const std::string path = dir / "deep.json";
  writeFile(path, "{\"format\": " + nested(100'000) + "}");
  for (const char* command : {"replay", "show", "merge"}) {
    CAPTURE(command);
    const auto r = runCli({command, path});
    CHECK(r.status == 2);
    CHECK(contains(r.err, path + ": arrays and objects nest more than 64 levels deep (at byte 74)"));
  }
}

TEST_CASE("deeply nested field that replay ignores is refused before it is parsed") {
  const TempDir dir;
  const std::string path = dir / "ignored.json";
  const std::string trace = catalogueTrace(dir).dump();
  // 40,000 levels in an extra field: the rest of the trace is valid and would replay.
  writeFile(path, trace.substr(0, trace.size() - 1) + ",\"note\":" + nested(40'000) + "}");
  const auto r = runCli({"replay", path, "--json"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "nest more than 64 levels deep"));
  CHECK(r.out.empty());
}

TEST_CASE("a trace nested as deep as the limit allows still reads") {
  const TempDir dir;
  json trace = catalogueTrace(dir);
  // The document is level 1, "note" holds levels 2 to 64.
  trace["note"] = json::parse(nested(interlock::kMaxInputDepth - 1));
  writeFile(dir / "limit.json", trace.dump());
  CHECK(runCli({"show", dir / "limit.json"}).status == 0);
  trace["note"] = json::parse(nested(interlock::kMaxInputDepth));
  writeFile(dir / "over.json", trace.dump());
  CHECK(runCli({"show", dir / "over.json"}).status == 2);
}

TEST_CASE("a number beyond a double's range exits 2, naming the file") {
  const TempDir dir;
  const std::string path = dir / "huge.json";
  writeFile(path, R"({"format": "interlock-trace", "version": 1e309})");
  for (const char* command : {"replay", "show", "merge"}) {
    CAPTURE(command);
    const auto r = runCli({command, path});
    CHECK(r.status == 2);
    CHECK(contains(r.err, path + ": not valid JSON ("));
    CHECK(contains(r.err, "1e309"));
  }
}

TEST_CASE("an input larger than the limit exits 2 without being parsed") {
  const TempDir dir;
  const std::string path = dir / "large.json";
  writeFile(path, "\"" + std::string(interlock::kMaxInputBytes, 'x') + "\"");
  const auto r = runCli({"show", path});
  CHECK(r.status == 2);
  CHECK(contains(r.err, path + ": larger than 16 MiB, the most interlock reads"));
}

TEST_CASE("an error message quotes a long value only in part") {
  const TempDir dir;
  const std::string path = dir / "long.json";
  writeFile(path, "{\"format\": \"" + std::string(1'000'000, 'x') + "\"}");
  const auto r = runCli({"show", path});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "field 'format': expected \"interlock-trace\", found \"xxx"));
  CHECK(r.err.size() < 300);
}

TEST_CASE("excerpt cuts a value's JSON text after the limit") {
  CHECK(interlock::excerpt(json::parse(R"([1, "two", {"three": 3}])")) == R"([1,"two",{"three":3}])");
  CHECK(interlock::excerpt(json(std::string(100, 'a')), 10) == "\"aaaaaaaaa...");
  CHECK(interlock::excerpt(json::parse(nested(30)), 8) == "[[[[[[[[...");
}

TEST_CASE("a final thread state longer than a line shows in text") {
  const TempDir dir;
  json trace = catalogueTrace(dir);
  const std::string state = "waiting for the volume lock that the paging thread took before it was suspended "
                            "by the adversary";
  trace["final_state"]["threads"][0]["state"] = state;
  trace["final_state"]["threads"][1]["state"] = std::string(120, 'w');
  writeFile(dir / "state.json", trace.dump());
  const auto r = runCli({"show", dir / "state.json", "--format", "text"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "waiting for the volume lock"));
  CHECK(contains(r.out, std::string(40, 'w')));
}

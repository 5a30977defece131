// docs/primitives.md is the reference table of the modelled API: every row names the test that
// proves it. These tests read the table and the test sources so the table cannot rot: a row
// that names no test case, or one that no longer exists, fails here.
#include "interlock/cli/Cli.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The string literal starting at `at` (just past its opening quote), unescaped.
std::string literalAt(const std::string& text, std::size_t at) {
  std::string out;
  for (std::size_t i = at; i < text.size() && text[i] != '"'; ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out += text[i];
  }
  return out;
}

// Test case names per file name ("RegionsTest.cpp"), from every tests/*.cpp.
std::map<std::string, std::vector<std::string>> testCases() {
  std::map<std::string, std::vector<std::string>> cases;
  for (const auto& entry : fs::directory_iterator(fs::path(INTERLOCK_SOURCE_DIR) / "tests")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = readFile(entry.path());
    auto& names = cases[entry.path().filename().string()];
    for (std::size_t at = text.find("TEST_CASE(\""); at != std::string::npos;
         at = text.find("TEST_CASE(\"", at + 1))
      names.push_back(literalAt(text, at + 11));
  }
  return cases;
}

// A quoted reference matches a test name: "..." stands for any text, so "a ...", "... b" and
// "a ... b" match by prefix, suffix or both; without "..." the whole name must match.
bool matches(const std::string& reference, const std::string& name) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t dots = reference.find("..."); dots != std::string::npos;
       dots = reference.find("...", from)) {
    parts.push_back(reference.substr(from, dots - from));
    from = dots + 3;
  }
  parts.push_back(reference.substr(from));
  for (auto& part : parts) {  // the spaces around "..." belong to the elided text
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
  }
  if (parts.size() == 1) return parts[0] == name;
  if (name.compare(0, parts.front().size(), parts.front()) != 0) return false;
  std::size_t at = parts.front().size();
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    at = name.find(parts[i], at);
    if (at == std::string::npos) return false;
    at += parts[i].size();
  }
  const std::string& last = parts.back();
  return name.size() >= at + last.size() && name.compare(name.size() - last.size(), last.size(), last) == 0;
}

// The cells of a Markdown table row; a '|' inside `code` does not split.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool code = false;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '`') code = !code;
    if (line[i] == '|' && !code) {
      out.push_back(cell);
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

struct Row {
  int line = 0;
  std::string api;     // first cell
  std::string checks;  // the cell before the last: rule ids and stop codes
  std::string test;    // last cell
};

// The body rows of every table with a "Test" column.
std::vector<Row> tableRows() {
  std::istringstream doc(readFile(fs::path(INTERLOCK_SOURCE_DIR) / "docs" / "primitives.md"));
  std::vector<Row> rows;
  std::string line;
  bool inTable = false;
  int number = 0;
  while (std::getline(doc, line)) {
    ++number;
    if (line.empty() || line[0] != '|') {
      inTable = false;
      continue;
    }
    const auto row = cells(line);
    if (!inTable) {  // the header row, then its separator
      inTable = !row.empty() && row.back().find("Test") != std::string::npos;
      std::getline(doc, line);
      ++number;
      continue;
    }
    rows.push_back(Row{number, row.front(), row.size() >= 2 ? row[row.size() - 2] : "", row.back()});
  }
  return rows;
}

struct Citations {
  std::vector<std::pair<std::string, std::string>> tests;  // file, quoted name
  std::vector<std::string> scenarios;
};

// `tests/File.cpp "name ...", "other"`, several files, and `scenario a/b` or `scenarios a/b, c/d`.
Citations citationsOf(const std::string& cell) {
  Citations out;
  static const std::regex token(R"re(tests/([A-Za-z0-9_]+\.cpp)|"([^"]*)"|\b([a-z][a-z0-9-]*/[a-z][a-z0-9-]*)\b)re");
  std::string file;
  for (auto it = std::sregex_iterator(cell.begin(), cell.end(), token); it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) file = (*it)[1].str();
    else if ((*it)[2].matched) out.tests.emplace_back(file, (*it)[2].str());
    else out.scenarios.push_back((*it)[3].str());
  }
  return out;
}

}  // namespace

TEST_CASE("docs/primitives.md: every row names at least one test case, and each one exists in tests/*.cpp") {
  const auto cases = testCases();
  const auto rows = tableRows();
  REQUIRE(rows.size() >= 80);  // the tables were found
  for (const Row& row : rows) {
    CAPTURE(row.line);
    CAPTURE(row.api);
    const Citations cited = citationsOf(row.test);
    CHECK_MESSAGE(!cited.tests.empty(), "docs/primitives.md(" << row.line << "): the row names no test case");
    for (const auto& [file, name] : cited.tests) {
      CAPTURE(name);
      REQUIRE_MESSAGE(!file.empty(), "a quoted test name before any tests/*.cpp file");
      const auto found = cases.find(file);
      REQUIRE_MESSAGE(found != cases.end(), "tests/" << file << " does not exist");
      const bool exists = std::any_of(found->second.begin(), found->second.end(),
                                      [&](const std::string& test) { return matches(name, test); });
      CHECK_MESSAGE(exists, "docs/primitives.md(" << row.line << "): tests/" << file
                                                  << " has no test case \"" << name << "\"");
    }
  }
}

TEST_CASE("docs/primitives.md: every scenario a row names is in the catalogue") {
  const interlock::Catalogue catalogue = interlock::cli::builtinCatalogue();
  for (const Row& row : tableRows()) {
    for (const std::string& name : citationsOf(row.test).scenarios) {
      CAPTURE(row.line);
      CHECK_MESSAGE(catalogue.find(name) != nullptr,
                    "docs/primitives.md(" << row.line << "): no scenario " << name);
    }
  }
}

TEST_CASE("docs/primitives.md: every rule id a row checks is cited by the name of a test case") {
  std::string names;
  for (const auto& [file, tests] : testCases())
    for (const std::string& test : tests) names += test + "\n";
  static const std::regex ruleId("`([A-Za-z_][A-Za-z0-9_]*)`");
  for (const Row& row : tableRows()) {
    for (auto it = std::sregex_iterator(row.checks.begin(), row.checks.end(), ruleId);
         it != std::sregex_iterator(); ++it) {
      const std::string rule = (*it)[1].str();
      CHECK_MESSAGE(names.find(rule) != std::string::npos,
                    "docs/primitives.md(" << row.line << "): no test case names " << rule);
    }
  }
}

TEST_CASE("the table's test references match by prefix, suffix or both around \"...\"") {
  CHECK(matches("entering a critical region ...", "entering a critical region decrements it"));
  CHECK(matches("... DV 0xEB", "releasing outside a critical region: DV 0xEB"));
  CHECK(matches("a ... b", "a then b"));
  CHECK(matches("exact", "exact"));
  CHECK_FALSE(matches("exact", "exact but longer"));
  CHECK_FALSE(matches("a ... b", "a then c"));
  CHECK_FALSE(matches("missing ...", "something else"));
}

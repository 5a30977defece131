// The documentation stands on its own: README.md and docs/ point only inside the repository,
// and every rule citation in the sources ("§N.M") names a section of docs/kernel-rules.md.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The section sign in UTF-8, spelt out so this file's own text cites nothing.
const std::string kSection = "\xC2\xA7";

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path root() { return fs::weakly_canonical(fs::path(INTERLOCK_SOURCE_DIR)); }

std::vector<fs::path> markdownPages() {
  std::vector<fs::path> pages{root() / "README.md"};
  for (const auto& entry : fs::directory_iterator(root() / "docs"))
    if (entry.path().extension() == ".md") pages.push_back(entry.path());
  return pages;
}

// The 1-based line of the character at `at`.
std::size_t lineOf(const std::string& text, std::size_t at) {
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

bool insideRoot(const fs::path& path) {
  const fs::path relative = fs::weakly_canonical(path).lexically_relative(root());
  return !relative.empty() && *relative.begin() != "..";
}

bool endsPath(char c) {
  return c == ' ' || c == '\n' || c == ')' || c == '`' || c == '"' || c == '\'' || c == '>' ||
         c == ']' || c == ',';
}

// "file:line: text" for every relative path starting with ../ that leaves the repository. A
// link's target (or label) is relative to the page; a path in running text or a code span is
// read from the repository's root, as the docs write paths.
std::vector<std::string> pathsOutside(const fs::path& page) {
  std::vector<std::string> outside;
  const std::string text = readFile(page);
  for (std::size_t at = text.find("../"); at != std::string::npos; at = text.find("../", at + 1)) {
    if (at >= 3 && text.compare(at - 3, 3, "../") == 0) continue;  // read with the "../" before it
    std::size_t end = at;
    while (end < text.size() && !endsPath(text[end])) ++end;
    const std::string target = text.substr(at, end - at);
    const bool link =
        (at >= 2 && text.compare(at - 2, 2, "](") == 0) || (at >= 1 && text[at - 1] == '[');
    if (insideRoot((link ? page.parent_path() : root()) / target)) continue;
    outside.push_back(page.filename().string() + ":" + std::to_string(lineOf(text, at)) + ": " +
                      target);
  }
  return outside;
}

// Section numbers docs/kernel-rules.md defines: "## N. Title" and "### N.M Title".
std::set<std::string> ruleSections() {
  std::set<std::string> sections;
  std::istringstream lines(readFile(root() / "docs" / "kernel-rules.md"));
  for (std::string line; std::getline(lines, line);) {
    std::size_t at = 0;
    if (line.rfind("### ", 0) == 0) at = 4;
    else if (line.rfind("## ", 0) == 0) at = 3;
    else continue;
    std::size_t end = at;
    while (end < line.size() && (std::isdigit(static_cast<unsigned char>(line[end])) || line[end] == '.')) ++end;
    std::string number = line.substr(at, end - at);
    if (!number.empty() && number.back() == '.') number.pop_back();
    if (!number.empty()) sections.insert(number);
  }
  return sections;
}

// The number after each section sign in `text` ("3.3" for a citation of 3.3), with its line;
// the placeholder "N.M" that explains the notation is not a citation.
std::vector<std::pair<std::size_t, std::string>> citations(const std::string& text) {
  std::vector<std::pair<std::size_t, std::string>> found;
  for (std::size_t at = text.find(kSection); at != std::string::npos; at = text.find(kSection, at + 1)) {
    std::size_t begin = at + kSection.size();
    while (begin < text.size() && text[begin] == ' ') ++begin;
    std::size_t end = begin;
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                 (text[end] == '.' && end + 1 < text.size() &&
                                  std::isdigit(static_cast<unsigned char>(text[end + 1])))))
      ++end;
    if (end == begin && text.compare(begin, 3, "N.M") == 0) continue;
    found.emplace_back(lineOf(text, at), text.substr(begin, end - begin));
  }
  return found;
}

bool citable(const fs::path& path) {
  static const std::set<std::string> extensions{".cpp", ".hpp", ".h", ".md", ".sh", ".txt", ".json"};
  return extensions.count(path.extension().string()) > 0;
}

}  // namespace

TEST_CASE("README.md and docs/*.md point at nothing outside the repository") {
  std::vector<std::string> outside;
  for (const auto& page : markdownPages())
    for (auto& found : pathsOutside(page)) outside.push_back(std::move(found));
  for (const auto& found : outside) MESSAGE("points outside the repository: " << found);
  CHECK(outside.empty());
}

TEST_CASE("docs/kernel-rules.md numbers its sections 1 to 19 in order") {
  std::vector<int> top;
  std::istringstream lines(readFile(root() / "docs" / "kernel-rules.md"));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("## ", 0) == 0 && line.size() > 3 && std::isdigit(static_cast<unsigned char>(line[3])))
      top.push_back(std::stoi(line.substr(3)));
  std::vector<int> expected;
  for (int n = 1; n <= 19; ++n) expected.push_back(n);
  CHECK(top == expected);
}

TEST_CASE("every rule citation in code, tests and docs names a section of docs/kernel-rules.md") {
  const std::set<std::string> sections = ruleSections();
  REQUIRE(sections.count("2.2") == 1);
  std::vector<fs::path> files;
  for (const char* dir :
       {"bench", "checker", "cli", "core", "docs", "examples", "primitives", "scenarios", "tests"}) {
    if (!fs::exists(root() / dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root() / dir))
      if (entry.is_regular_file() && citable(entry.path())) files.push_back(entry.path());
  }
  files.push_back(root() / "README.md");
  std::size_t checked = 0;
  std::vector<std::string> unknown;
  for (const auto& file : files) {
    for (const auto& [line, number] : citations(readFile(file))) {
      ++checked;
      if (number.empty() || sections.count(number) == 0)
        unknown.push_back(file.lexically_relative(root()).string() + ":" + std::to_string(line) + ": " +
                          kSection + (number.empty() ? std::string("(no number)") : number));
    }
  }
  for (const auto& found : unknown) MESSAGE("no such section in docs/kernel-rules.md: " << found);
  CHECK(checked > 100);
  CHECK(unknown.empty());
}

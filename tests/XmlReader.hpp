#pragma once
// A minimal XML reader for the report tests: elements, double- or single-quoted attributes,
// text, the five predefined entities and character references. It rejects what is not
// well-formed (unbalanced tags, a raw '<' or '&', an unknown entity), which is the point.
#include <cctype>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace interlock::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // the element's own character data, references resolved
  std::vector<XmlElement> children;

  [[nodiscard]] std::vector<const XmlElement*> all(std::string_view child) const {
    std::vector<const XmlElement*> out;
    for (const XmlElement& c : children)
      if (c.name == child) out.push_back(&c);
    return out;
  }
};

class XmlReader {
 public:
  explicit XmlReader(std::string_view xml) : xml_(xml) {}

  XmlElement document() {
    if (xml_.starts_with("<?xml")) pos_ = find("?>") + 2;
    space();
    XmlElement root = element();
    space();
    if (pos_ != xml_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("XML at offset " + std::to_string(pos_) + ": " + what);
  }
  std::size_t find(std::string_view what) const {
    const std::size_t at = xml_.find(what, pos_);
    if (at == std::string_view::npos) fail("expected '" + std::string(what) + "'");
    return at;
  }
  void space() {
    while (pos_ < xml_.size() && std::string_view(" \t\r\n").find(xml_[pos_]) != std::string_view::npos) ++pos_;
  }
  void expect(char c) {
    if (pos_ >= xml_.size() || xml_[pos_] != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string name() {
    const std::size_t start = pos_;
    while (pos_ < xml_.size() && (std::isalnum(static_cast<unsigned char>(xml_[pos_])) ||
                                  std::string_view("_-:.").find(xml_[pos_]) != std::string_view::npos))
      ++pos_;
    if (start == pos_) fail("expected a name");
    return std::string(xml_.substr(start, pos_ - start));
  }
  static void appendUtf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) out += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    else
      out += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
              static_cast<char>(0x80 | (c & 0x3F))};
  }
  // Character data up to `stop`, with references resolved; in an attribute value (stop is a
  // quote) raw line breaks and tabs become spaces, as XML's attribute normalization says.
  std::string characters(char stop) {
    const bool attribute = stop != '<';
    std::string out;
    while (pos_ < xml_.size() && xml_[pos_] != stop) {
      const char c = xml_[pos_];
      if (c == '<') fail("a raw '<' in character data");
      if (c != '&') {
        out += attribute && (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
        ++pos_;
        continue;
      }
      const std::size_t end = find(";");
      const std::string_view entity = xml_.substr(pos_ + 1, end - pos_ - 1);
      if (entity == "amp") out += '&';
      else if (entity == "lt") out += '<';
      else if (entity == "gt") out += '>';
      else if (entity == "quot") out += '"';
      else if (entity == "apos") out += '\'';
      else if (entity.starts_with("#x")) appendUtf8(out, std::stoul(std::string(entity.substr(2)), nullptr, 16));
      else if (entity.starts_with("#")) appendUtf8(out, std::stoul(std::string(entity.substr(1))));
      else fail("unknown entity &" + std::string(entity) + ";");
      pos_ = end + 1;
    }
    return out;
  }
  XmlElement element() {
    expect('<');
    XmlElement e;
    e.name = name();
    while (true) {
      space();
      if (pos_ < xml_.size() && xml_[pos_] == '/') {
        ++pos_;
        expect('>');
        return e;
      }
      if (pos_ < xml_.size() && xml_[pos_] == '>') break;
      const std::string attribute = name();
      expect('=');
      const char quote = pos_ < xml_.size() ? xml_[pos_] : '\0';
      if (quote != '"' && quote != '\'') fail("expected a quoted attribute value");
      ++pos_;
      if (!e.attributes.emplace(attribute, characters(quote)).second) fail("attribute " + attribute + " twice");
      expect(quote);
    }
    expect('>');
    while (true) {
      e.text += characters('<');
      if (xml_.substr(pos_).starts_with("</")) {
        pos_ += 2;
        if (name() != e.name) fail("</" + e.name + "> expected");
        space();
        expect('>');
        return e;
      }
      e.children.push_back(element());
    }
  }

  std::string_view xml_;
  std::size_t pos_ = 0;
};

inline XmlElement parseXml(std::string_view xml) { return XmlReader(xml).document(); }

}  // namespace interlock::test

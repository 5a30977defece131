#pragma once
// "base.i" built on the stack: a setup names its numbered objects and threads every execution,
// and make() and the thread calls take names as views (copied only when they differ from last
// run's), so naming them allocates nothing.
#include <algorithm>
#include <charconv>
#include <string_view>

namespace interlock {

class IndexedName {
 public:
  IndexedName(std::string_view base, int index) noexcept {
    const std::size_t length = std::min(base.size(), sizeof text_ - 12);  // room for '.' and an int
    base.copy(text_, length);
    text_[length] = '.';
    digits_ = length + 1;
    size_ = static_cast<std::size_t>(std::to_chars(text_ + digits_, text_ + sizeof text_, index).ptr - text_);
  }
  // The next index's name, for a non-negative index: an odometer step, cheaper than formatting
  // (Setup::makeArray names 116 objects per execution of bench/filesystem).
  void increment() noexcept {
    for (std::size_t at = size_; at > digits_;) {
      if (text_[--at] != '9') {
        ++text_[at];
        return;
      }
      text_[at] = '0';
    }
    if (size_ == sizeof text_) return;  // cannot happen: an int has at most 10 digits
    for (std::size_t at = size_; at > digits_; --at) text_[at] = text_[at - 1];
    text_[digits_] = '1';
    ++size_;
  }
  operator std::string_view() const noexcept { return {text_, size_}; }  // NOLINT: a name is a view

 private:
  char text_[64];
  std::size_t digits_ = 0;  // where the index starts
  std::size_t size_ = 0;
};

}  // namespace interlock

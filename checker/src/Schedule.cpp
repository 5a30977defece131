#include "interlock/checker/Schedule.hpp"

#include <charconv>

namespace interlock {

namespace {

std::string threadName(ThreadId id, const Snapshot& names) {
  return id < names.threads.size() ? names.threads[id].name : "#" + std::to_string(id);
}

std::optional<ThreadId> threadByName(std::string_view name, const Snapshot& names) {
  for (std::size_t i = 0; i < names.threads.size(); ++i)
    if (names.threads[i].name == name) return static_cast<ThreadId>(i);
  return std::nullopt;
}

bool parseNumber(std::string_view text, std::uint16_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string label(const Choice& choice, const Snapshot& names) {
  switch (choice.kind) {
    case ChoiceKind::Run: return "run " + threadName(choice.thread, names);
    case ChoiceKind::Suspend: return "suspend " + threadName(choice.thread, names);
    case ChoiceKind::Branch:
      return "branch " + std::to_string(choice.value) + "/" + std::to_string(choice.count);
    case ChoiceKind::Apc:
      return "apc " + (choice.value < names.apcs.size() ? names.apcs[choice.value].name
                                                        : "#" + std::to_string(choice.value));
  }
  return "?";
}

std::string label(const Choice& choice, const Execution& execution) {
  const auto threadName = [&](ThreadId id) {
    return id < execution.threads().size() ? execution.threads()[id]->name() : "#" + std::to_string(id);
  };
  switch (choice.kind) {
    case ChoiceKind::Run: return "run " + threadName(choice.thread);
    case ChoiceKind::Suspend: return "suspend " + threadName(choice.thread);
    case ChoiceKind::Branch:
      return "branch " + std::to_string(choice.value) + "/" + std::to_string(choice.count);
    case ChoiceKind::Apc:
      return "apc " + (choice.value < execution.apcs().size() ? execution.apcs()[choice.value].name
                                                              : "#" + std::to_string(choice.value));
  }
  return "?";
}

std::optional<Choice> parseLabel(std::string_view text, const Snapshot& names) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view verb = text.substr(0, space);
  const std::string_view rest = text.substr(space + 1);
  if (verb == "run" || verb == "suspend") {
    const auto thread = threadByName(rest, names);
    if (!thread) return std::nullopt;
    return Choice{verb == "run" ? ChoiceKind::Run : ChoiceKind::Suspend, *thread};
  }
  if (verb == "apc") {
    for (std::size_t i = 0; i < names.apcs.size(); ++i)
      if (names.apcs[i].name == rest)
        return Choice{ChoiceKind::Apc, names.apcs[i].target, static_cast<std::uint16_t>(i)};
    return std::nullopt;
  }
  if (verb == "branch") {
    const auto slash = rest.find('/');
    std::uint16_t value = 0;
    std::uint16_t count = 0;
    if (slash == std::string_view::npos || !parseNumber(rest.substr(0, slash), value) ||
        !parseNumber(rest.substr(slash + 1), count) || value >= count)
      return std::nullopt;
    // The branching thread is implied by the running thread; replay matches on value/count.
    return Choice{ChoiceKind::Branch, kNoThread, value, count};
  }
  return std::nullopt;
}

}  // namespace interlock

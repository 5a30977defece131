#include "interlock/reports/Explanation.hpp"

#include "interlock/reports/FixPatterns.hpp"

#include <algorithm>
#include <cctype>

namespace interlock {

namespace {

constexpr std::size_t kWidth = 100;

// Turns final-state names into words: "user (unprivileged process)", "ERESOURCE Resource".
class Words {
 public:
  explicit Words(const TraceView& trace) : trace_(trace) {}

  [[nodiscard]] std::string who(const std::string& thread) const {
    const TraceThread* t = trace_.thread(thread);
    return t == nullptr || t->requester.empty() ? thread : thread + " (" + t->requester + ")";
  }
  [[nodiscard]] std::string object(const std::string& name) const {
    const TraceObject* o = trace_.object(name);
    return o == nullptr || o->type.empty() ? name : o->type + " " + name;
  }
  // "exclusive": how `thread` waits on `object` at the end.
  [[nodiscard]] std::string waitMode(const std::string& thread, const std::string& object) const {
    if (const TraceObject* o = trace_.object(object))
      for (const TraceHolder& w : o->waiters)
        if (w.thread == thread) return w.mode;
    return "";
  }
  // "shared x1": how `thread` owns `object` at the end.
  [[nodiscard]] std::string ownMode(const std::string& thread, const std::string& object) const {
    if (const TraceObject* o = trace_.object(object))
      for (const TraceHolder& h : o->owners)
        if (h.thread == thread) return keepTogether(h.mode + " x" + std::to_string(h.count));
    return "";
  }
  [[nodiscard]] std::string waitStep(const std::string& thread, const std::string& object) const {
    const std::string mode = waitMode(thread, object);
    return this->object(object) + (mode.empty() ? "" : " (" + mode + ")");
  }
  // "owned ERESOURCE R", but "held a reference to EX_RUNDOWN_REF R": rundown has no owner.
  [[nodiscard]] std::string held(const std::string& name) const {
    const TraceObject* o = trace_.object(name);
    const bool rundown = o != nullptr && o->type.rfind("EX_RUNDOWN_REF", 0) == 0;
    return (rundown ? "held a reference to " : "owned ") + object(name);
  }
  [[nodiscard]] bool suspended(const std::string& thread) const {
    const TraceThread* t = trace_.thread(thread);
    return t != nullptr && t->state == "suspended";
  }

 private:
  const TraceView& trace_;
};

std::string sentence(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

std::string withoutPeriod(std::string text) {
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string listed(const std::vector<std::string>& items) {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i)
    text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return text;
}

// "ExAcquireResourceExclusiveLite with normal kernel APCs enabled": the part before the why.
std::string shortMessage(const std::string& message) {
  return message.substr(0, message.find(": "));
}

bool same(const TraceViolation& a, const TraceViolation& b) {
  return a.rule == b.rule && a.step == b.step && a.thread == b.thread && a.message == b.message;
}

// thread -> object (mode) -> owner -> ... as the chain or cycle lists them.
std::string chainText(const TraceViolation& v, const Words& words, bool cycle) {
  std::string text;
  for (std::size_t i = 0; i < v.objects.size() && i < v.threads.size(); ++i)
    text += v.threads[i] + " -> " + words.waitStep(v.threads[i], v.objects[i]) + " -> ";
  if (cycle) return text + (v.threads.empty() ? "" : v.threads.front());
  const std::string& owner = v.threads.back();
  return text + owner + (words.suspended(owner) ? " [suspended]" : "");
}

// Every thread stuck behind `owner` at the end, each with its chain to it; the
// violation's own chain first.
std::vector<TraceViolation> stuckBehind(const TraceView& trace, const TraceViolation& v) {
  std::vector<TraceViolation> chains{v};
  const std::string& owner = v.threads.back();
  for (const TraceThread& start : trace.threads) {
    if (start.name == v.threads.front() || start.state == "suspended") continue;
    TraceViolation chain;
    std::string at = start.name;
    while (const TraceObject* object = trace.waitingOn(at)) {
      if (std::find(chain.threads.begin(), chain.threads.end(), at) != chain.threads.end()) break;
      chain.threads.push_back(at);
      chain.objects.push_back(object->name);
      if (object->owners.empty()) break;
      at = object->owners.front().thread;
      for (const TraceHolder& h : object->owners)
        if (h.thread == owner) at = owner;
      if (at == owner) {
        chain.threads.push_back(owner);
        chains.push_back(std::move(chain));
        break;
      }
    }
  }
  return chains;
}

struct Paragraph {
  std::string label;  // "Cause:", "Fix:", "  cycle:", or empty for the headline
  Tone tone;
  std::string text;
  std::string indent;
};

void emit(std::string& out, const Paragraph& p, const TextStyle& style) {
  const std::string whole = p.label.empty() ? p.text : p.label + " " + p.text;
  const auto lines = wrap(whole, kWidth, p.indent);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i == 0 && !p.label.empty())  // the label never wraps: it is shorter than a line
      out += style.paint(p.label, p.tone) + lines[0].substr(p.label.size()) + "\n";
    else
      out += (p.label.empty() ? style.paint(lines[i], p.tone) : lines[i]) + "\n";
  }
}

std::vector<Paragraph> consequence(const TraceView& trace, const TraceViolation& v) {
  const Words words(trace);
  const std::string code = v.codeText();
  switch (v.kind) {
    case ViolationKind::SuspendedOwnerDoS: {
      if (v.threads.size() < 2 || v.objects.empty()) break;
      if (v.rule == "SuspendedSignaller") {
        // The chain is the resumed run's: who set or released what, back to the suspended thread.
        std::string chain;
        for (std::size_t i = 0; i < v.objects.size() && i < v.threads.size(); ++i)
          chain += v.threads[i] + " -> " + words.object(v.objects[i]) + " -> ";
        const TraceObject* last = trace.object(v.objects.back());
        const bool event = last != nullptr && last->type.find("EVENT") != std::string::npos;
        return {{"", Tone::Bold,
                 words.who(v.threads.back()) + " was suspended before it " + (event ? "set " : "released ") +
                     words.object(v.objects.back()) + "; " + words.who(v.threads.front()) +
                     " waits until it is resumed (the run after NtResumeThread shows it then goes on).",
                 ""},
                {"  chain:", Tone::Plain, chain + v.threads.back() + " [suspended]", "         "}};
      }
      const std::string& owner = v.threads.back();
      const auto chains = stuckBehind(trace, v);
      std::vector<std::string> stuck;
      for (const TraceViolation& c : chains) stuck.push_back(words.who(c.threads.front()));
      std::vector<Paragraph> out{
          {"", Tone::Bold,
           words.who(owner) + " was suspended while it " + words.held(v.objects.back()) +
               "; " + listed(stuck) + (stuck.size() == 1 ? " waits" : " wait") +
               " for it forever.",
           ""}};
      for (const TraceViolation& c : chains)
        out.push_back({"  chain:", Tone::Plain, chainText(c, words, false), "         "});
      return out;
    }
    case ViolationKind::Deadlock: {
      const bool cycle = v.rule == "SelfDeadlock" || v.rule == "WaitCycle";
      if (!cycle || v.threads.empty() || v.objects.size() != v.threads.size()) break;
      std::string headline;
      if (v.threads.size() == 1) {
        const std::string own = words.ownMode(v.threads[0], v.objects[0]);
        headline = words.who(v.threads[0]) + " waits forever for " +
                   words.waitStep(v.threads[0], v.objects[0]) + ", which it already owns" +
                   (own.empty() ? "" : " (" + own + ")") + ".";
      } else {
        std::vector<std::string> who;
        for (const std::string& t : v.threads) who.push_back(words.who(t));
        headline = listed(who) + " wait for each other forever: each owns what the " +
                   (v.threads.size() == 2 ? "other" : "next") + " waits for.";
      }
      return {{"", Tone::Bold, headline, ""},
              {"  cycle:", Tone::Plain, chainText(v, words, true), "         "}};
    }
    case ViolationKind::BugCheck:
      return {{"", Tone::Bold,
               (v.thread.empty() ? "" : words.who(v.thread) + ": ") + v.message +
                   ". Windows stops the machine here with " +
                   (code.empty() ? "a bug check" : keepTogether(code)) + " (" + v.rule + ").",
               ""}};
    case ViolationKind::ContractViolation:
      return {{"", Tone::Bold,
               (v.thread.empty() ? withoutPeriod(sentence(v.message))
                                 : words.who(v.thread) + " breaks an API contract: " +
                                       withoutPeriod(v.message)) +
                   " (" + v.rule +
                   (code.empty() ? "" : ", " + keepTogether(code)) + ").",
               ""}};
    case ViolationKind::LockOrder:
    case ViolationKind::DataRace:
      return {{"", Tone::Bold,
               withoutPeriod(sentence(v.message)) + " (" + v.rule +
                   (code.empty() ? "" : ", " + keepTogether(code)) + ").",
               ""}};
    case ViolationKind::Assertion:
      return {{"", Tone::Bold,
               "Assertion failed" + (v.thread.empty() ? "" : " in " + words.who(v.thread)) + ": " +
                   sentence(v.message),
               ""}};
  }
  return {{"", Tone::Bold, sentence(v.message), ""}};
}

}  // namespace

std::string explain(const TraceView& trace, const TextStyle& style) {
  std::string out;
  if (!trace.verdict.violation) {
    out += "The trace records no violation (verdict " + trace.verdict.result + ").\n";
    return out;
  }
  const TraceViolation& main = *trace.verdict.violation;
  std::vector<Paragraph> paragraphs = consequence(trace, main);
  std::vector<std::string> fixes;
  auto addFix = [&](const std::string& rule) {
    if (const auto fix = fixFor(rule))
      if (std::find(fixes.begin(), fixes.end(), *fix) == fixes.end()) fixes.emplace_back(*fix);
  };
  // " (driver.c:119)": the source line a cause was found on, when its event names one.
  auto lineOf = [&](const TraceViolation& v) -> std::string {
    for (const TraceEvent& e : trace.events)
      if (e.violation && e.site && e.violation->rule == v.rule && e.violation->step == v.step &&
          e.violation->message == v.message)
        return " (" + *e.site + ")";
    return "";
  };
  for (const TraceViolation& cause : trace.verdict.causes) {
    addFix(cause.rule);
    if (same(cause, main)) continue;  // a breach with nothing worse after it is the headline
    const std::string code = cause.codeText();
    paragraphs.push_back({"Cause:", Tone::Yellow,
                          shortMessage(cause.message) + " (" + cause.rule +
                              (code.empty() ? "" : ", " + keepTogether(code)) + ")" +
                              (cause.thread.empty() ? "" : ", in " + cause.thread) + " at step " +
                              std::to_string(cause.step) + lineOf(cause) + ".",
                          "       "});
  }
  if (fixes.empty()) addFix(main.rule);
  for (const std::string& fix : fixes) paragraphs.push_back({"Fix:", Tone::Green, fix + ".", "     "});
  for (const Paragraph& p : paragraphs) emit(out, p, style);
  return out;
}

}  // namespace interlock

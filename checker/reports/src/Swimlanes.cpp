#include "interlock/reports/Swimlanes.hpp"

#include <algorithm>
#include <optional>

namespace interlock {

namespace {

constexpr std::size_t kColumnCap = 50;   // wider calls wrap inside their column
constexpr std::size_t kNoteWidth = 100;  // footnotes and full-width rows
constexpr std::size_t kStepWidth = 4;
constexpr const char* kGap = "  ";

struct Line {
  std::string text;
  Tone tone = Tone::Plain;
};

struct Row {
  std::optional<std::uint32_t> step;  // shown on the first row of each step
  std::optional<std::size_t> column;  // none: the row spans every column
  std::vector<Line> lines;
};

bool isConsequence(const TraceViolation& v) { return v.kind != ViolationKind::ContractViolation; }

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

void addWrapped(std::vector<Line>& out, const std::string& text, Tone tone, std::size_t width,
                std::string_view indent) {
  for (std::string& line : wrap(text, width, indent)) out.push_back({std::move(line), tone});
}

// "[IRQL 0->2, KernelApcDisable 0->-1]" for what changed since the thread's last event.
std::string changes(const TraceEvent& e, const TraceEvent& before) {
  std::string text;
  auto add = [&](const char* name, int from, int to) {
    if (from == to) return;
    text += (text.empty() ? "[" : ", ") + std::string(name) + " " + std::to_string(from) + "->" +
            std::to_string(to);
  };
  add("IRQL", before.irql, e.irql);
  add("KernelApcDisable", before.kernelApcDisable, e.kernelApcDisable);
  add("SpecialApcDisable", before.specialApcDisable, e.specialApcDisable);
  return text.empty() ? text : text + "]";
}

class Table {
 public:
  Table(const TraceView& trace, const TextStyle& style) : trace_(trace), style_(style) {
    last_.resize(trace.threads.size());
    for (const TraceEvent& e : trace.events) add(e);
  }

  [[nodiscard]] std::string render() const {
    std::vector<std::size_t> widths;
    for (std::size_t c = 0; c < trace_.threads.size(); ++c) {
      std::size_t width = std::max(trace_.threads[c].name.size(), trace_.threads[c].requester.size() + 2);
      for (const Row& row : rows_)
        if (row.column == c)
          for (const Line& line : row.lines) width = std::max(width, line.text.size());
      widths.push_back(width);
    }
    std::string out;
    std::vector<Line> header{{"step", Tone::Bold}};
    std::vector<Line> requesters{{"", Tone::Plain}};
    std::vector<Line> rule{{std::string(kStepWidth, '-'), Tone::Dim}};
    for (std::size_t c = 0; c < widths.size(); ++c) {
      header.push_back({trace_.threads[c].name, Tone::Bold});
      requesters.push_back({"(" + trace_.threads[c].requester + ")", Tone::Dim});
      rule.push_back({std::string(widths[c], '-'), Tone::Dim});
    }
    out += line(header, widths) + line(requesters, widths) + line(rule, widths);
    for (const Row& row : rows_) {
      for (std::size_t i = 0; i < row.lines.size(); ++i) {
        std::vector<Line> cells(widths.size() + 1);
        if (i == 0 && row.step) {
          const std::string step = std::to_string(*row.step);
          cells[0] = {std::string(kStepWidth - std::min(kStepWidth, step.size()), ' ') + step, Tone::Dim};
        }
        if (row.column) {
          cells[*row.column + 1] = row.lines[i];
        } else {
          cells.resize(2);
          cells[1] = row.lines[i];
        }
        out += line(cells, widths);
      }
    }
    return out;
  }

  [[nodiscard]] const std::vector<TraceViolation>& notes() const noexcept { return notes_; }

 private:
  // One table line: cells padded to their column, trailing blanks trimmed.
  [[nodiscard]] std::string line(const std::vector<Line>& cells, const std::vector<std::size_t>& widths) const {
    std::string out;
    std::size_t owed = 0;  // padding not yet written: dropped if nothing follows
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::size_t width = c == 0 ? kStepWidth : c - 1 < widths.size() ? widths[c - 1] : 0;
      if (c != 0) owed += std::string_view(kGap).size();
      if (!cells[c].text.empty()) {
        out += std::string(owed, ' ') + style_.paint(cells[c].text, cells[c].tone);
        owed = cells.size() == 2 && c == 1 ? 0 : width - std::min(width, cells[c].text.size());
      } else {
        owed += width;
      }
    }
    return out + "\n";
  }

  void add(const TraceEvent& e) {
    Row row;
    if (e.step != step_ || rows_.empty()) row.step = e.step;
    step_ = e.step;
    std::optional<std::size_t> column;
    for (std::size_t c = 0; c < trace_.threads.size(); ++c)
      if (trace_.threads[c].name == e.thread) column = c;
    row.column = column;
    if (e.kind == TraceEventKind::Violation) {
      const TraceViolation& v = *e.violation;
      notes_.push_back(v);
      const std::string code = v.codeText();
      // The kind names a consequence; a cause is known by its rule and code.
      const std::string mark =
          "!! [" + std::to_string(notes_.size()) + "] " +
          (isConsequence(v) ? std::string(to_string(v.kind)) + " (" + v.rule + ")"
                            : v.rule + (code.empty() ? "" : ", " + keepTogether(code)));
      addWrapped(row.lines, mark, isConsequence(v) ? Tone::Red : Tone::Yellow,
                 column ? kColumnCap : kNoteWidth, "   ");
      if (e.site) addWrapped(row.lines, "   at " + *e.site, Tone::Dim, column ? kColumnCap : kNoteWidth, "     ");
      rows_.push_back(std::move(row));
      return;
    }
    Tone tone = Tone::Plain;
    std::string call = e.call;
    if (e.kind == TraceEventKind::Adversary) {
      call = "[adversary] " + call;
      tone = Tone::Magenta;
    } else if (e.kind == TraceEventKind::Apc || e.kind == TraceEventKind::ApcReturn) {
      tone = Tone::Magenta;
    } else if (e.kind == TraceEventKind::Blocked) {
      tone = Tone::Yellow;
    } else if (e.kind == TraceEventKind::Other) {
      call = "[" + e.kindName + "] " + call;
    }
    const std::string result = e.result ? "-> " + *e.result : "";
    if (call.size() + 1 + result.size() <= kColumnCap) {
      row.lines.push_back({result.empty() ? call : call + " " + result, tone});
    } else {
      addWrapped(row.lines, call, tone, kColumnCap, "  ");
      if (!result.empty()) addWrapped(row.lines, "  " + result, tone, kColumnCap, "     ");
    }
    if (e.site) addWrapped(row.lines, "  at " + *e.site, Tone::Dim, kColumnCap, "     ");
    if (column) {
      const std::string changed = changes(e, last_[*column]);
      if (!changed.empty()) addWrapped(row.lines, "  " + changed, Tone::Cyan, kColumnCap, "   ");
      last_[*column] = e;
    }
    rows_.push_back(std::move(row));
  }

  const TraceView& trace_;
  const TextStyle& style_;
  std::vector<Row> rows_;
  std::vector<TraceEvent> last_;  // each thread's previous event, for what changed
  std::vector<TraceViolation> notes_;
  std::uint32_t step_ = 0;
};

std::string footnotes(const std::vector<TraceViolation>& notes, const TextStyle& style) {
  std::string out;
  for (std::size_t i = 0; i < notes.size(); ++i) {
    const TraceViolation& v = notes[i];
    const std::string code = v.codeText();
    const std::string label = "[" + std::to_string(i + 1) + "]";
    const std::string text = label + " step " + std::to_string(v.step) +
                             (v.thread.empty() ? "" : ", " + v.thread) + ": " +
                             std::string(to_string(v.kind)) + " " + v.rule +
                             (code.empty() ? "" : " (" + keepTogether(code) + ")") + ": " + v.message;
    const auto lines = wrap(text, kNoteWidth, "    ");
    for (std::size_t l = 0; l < lines.size(); ++l)
      out += (l == 0 ? style.paint(label, isConsequence(v) ? Tone::Red : Tone::Yellow) +
                           lines[0].substr(label.size())
                     : lines[l]) +
             "\n";
  }
  return out;
}

std::string endState(const TraceView& trace, const TextStyle& style) {
  std::size_t nameWidth = 0;
  std::size_t requesterWidth = 0;
  for (const TraceThread& t : trace.threads) {
    nameWidth = std::max(nameWidth, t.name.size());
    requesterWidth = std::max(requesterWidth, t.requester.size() + 2);
  }
  std::string out = style.paint("at the end", Tone::Bold) + "\n";
  for (const TraceThread& t : trace.threads) {
    std::string owns;
    for (const TraceObject& o : trace.objects)
      for (const TraceHolder& h : o.owners)
        if (h.thread == t.name)
          owns += (owns.empty() ? "owns " : ", ") + o.type + " " + o.name + " " +
                  keepTogether("(" + h.mode + " x" + std::to_string(h.count) + ")");
    std::string waits;
    if (const TraceObject* o = trace.waitingOn(t.name))
      for (const TraceHolder& w : o->waiters)
        if (w.thread == t.name) waits = "for " + o->type + " " + o->name + " (" + w.mode + ")";
    std::string counts;
    if (t.irql != 0) counts += "; IRQL " + std::to_string(t.irql);
    if (t.kernelApcDisable != 0) counts += "; KernelApcDisable " + std::to_string(t.kernelApcDisable);
    if (t.specialApcDisable != 0) counts += "; SpecialApcDisable " + std::to_string(t.specialApcDisable);
    const Tone tone = t.state == "suspended" ? Tone::Magenta
                      : t.state == "waiting" ? Tone::Yellow
                      : t.state == "terminated" ? Tone::Dim
                                                : Tone::Plain;
    const std::string lead = "  " + pad(t.name, nameWidth) + kGap +
                             pad("(" + t.requester + ")", requesterWidth) + kGap;
    std::string body = t.state;
    if (!waits.empty()) body += (t.state == "waiting" ? " " : "; waits ") + waits;
    if (!owns.empty()) body += "; " + owns;
    const auto lines = wrap(body + counts, kNoteWidth - std::min(kNoteWidth / 2, lead.size()), "  ");
    // A long state wraps, so the first line may hold only part of it.
    const std::size_t painted = std::min(t.state.size(), lines.empty() ? 0 : lines[0].size());
    for (std::size_t l = 0; l < lines.size(); ++l)
      out += (l == 0 ? lead + style.paint(lines[0].substr(0, painted), tone) + lines[0].substr(painted)
                     : std::string(lead.size(), ' ') + lines[l]) +
             "\n";
  }
  return out;
}

}  // namespace

std::string swimlanes(const TraceView& trace, const TextStyle& style) {
  const Table table(trace, style);
  std::string out = table.render();
  if (!table.notes().empty()) out += "\n" + footnotes(table.notes(), style);
  return out + "\n" + endState(trace, style);
}

}  // namespace interlock

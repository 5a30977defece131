#include "FindingSite.hpp"

#include <charconv>
#include <cstring>
#include <vector>

namespace interlock {

std::optional<SourceSite> parseSite(const char* site) {
  if (site == nullptr) return std::nullopt;
  const char* colon = std::strrchr(site, ':');
  if (colon == nullptr || colon == site) return std::nullopt;
  SourceSite out{std::string(site, colon), 0};
  const char* end = site + std::strlen(site);
  const auto [rest, error] = std::from_chars(colon + 1, end, out.line);
  if (error != std::errc{} || rest != end || out.line == 0) return std::nullopt;
  return out;
}

std::optional<SourceSite> findingSite(const ExecutionResult& cx, const Violation& v) {
  // The finding's own event; the whole trace when it has none (a copy from another run).
  std::size_t end = cx.events.size();
  for (std::size_t i = 0; i < cx.events.size(); ++i) {
    const Event& event = cx.events[i];
    if (event.kind != EventKind::Violation || event.violation >= cx.violations.size()) continue;
    const Violation& found = cx.violations[event.violation];
    if (found.rule != v.rule || found.step != v.step || found.message != v.message) continue;
    if (const auto own = parseSite(event.site)) return own;
    end = i;
    break;
  }
  std::vector<ThreadId> blamed;
  if (v.thread != kNoThread) blamed.push_back(v.thread);
  if (v.kind == ViolationKind::SuspendedOwnerDoS) blamed.insert(blamed.end(), v.threads.rbegin(), v.threads.rend());
  else blamed.insert(blamed.end(), v.threads.begin(), v.threads.end());
  for (const ThreadId thread : blamed)
    for (std::size_t i = end; i-- > 0;)
      if (cx.events[i].thread == thread)
        if (const auto site = parseSite(cx.events[i].site)) return site;
  return std::nullopt;
}

}  // namespace interlock

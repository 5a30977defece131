// A trace's schedule replayed on its scenario: what `replay` shows and what `merge` checks
// before it reports a shard's counterexample.
#include "Commands.hpp"

#include "interlock/checker/Schedule.hpp"
#include "interlock/checker/StrategyRegistry.hpp"

#include <algorithm>

namespace interlock::cli {

namespace {

bool namesAThread(std::string_view label) { return label.starts_with("run ") || label.starts_with("suspend "); }

// "run NAME", "suspend NAME", "apc NAME" with a name, or a well-formed "branch I/N".
bool wellFormed(std::string_view label, const Snapshot& names) {
  if (parseLabel(label, names)) return true;
  const auto space = label.find(' ');
  return space != std::string_view::npos && space + 1 < label.size() &&
         (namesAThread(label) || label.starts_with("apc "));
}

std::string notAChoice(const TraceFile& file, std::size_t entry, const std::string& scenario) {
  return file.path + ": field 'schedule[" + std::to_string(entry) + "]': '" + file.schedule[entry] +
         "' is not a choice of scenario " + scenario +
         " (expected \"run THREAD\", \"suspend THREAD\", \"apc NAME\" or \"branch I/N\")";
}

}  // namespace

ReplayedTrace replayTrace(const Catalogue& catalogue, const TraceFile& file) {
  const Scenario* found = catalogue.find(file.scenario);
  if (found == nullptr)
    throw InputError(file.path + ": field 'scenario.name': no scenario named '" + file.scenario +
                     "' in this interlock ('interlock list' shows them all)");
  // One key at a time, so the message names the very field that does not fit.
  Scenario configured = *found;
  for (const auto& [key, value] : file.parameters) {
    try {
      configured = withParameters(std::move(configured), {{key, value}});
    } catch (const ScenarioError& error) {
      throw InputError(file.path + ": field 'scenario.parameters." + key + "': " + error.what());
    }
  }
  // The strategy only found the schedule; any known one replays the same way.
  if (findStrategy(file.settings.strategy) == nullptr)
    throw InputError(file.path + ": field 'settings.strategy': unknown strategy \"" + file.settings.strategy + "\"");
  // The scheduling points the search had grown when it found the schedule (racy driver memory).
  if (!file.settings.schedulingPoints.empty() && !configured.usePoints)
    throw InputError(file.path + ": field 'settings.scheduling_points': scenario '" + configured.name +
                     "' grows no scheduling points");
  if (configured.usePoints) {
    try {
      configured.usePoints(file.settings.schedulingPoints);
    } catch (const ScenarioError& error) {
      throw InputError(file.path + ": field 'settings.scheduling_points': " + error.what());
    }
  }
  // Labels are checked for form here and matched against the live execution on replay, where
  // the threads and APCs the model creates while running (work items, I/O completions) exist too.
  const Snapshot names = namesOf(configured);
  for (std::size_t i = 0; i < file.schedule.size(); ++i)
    if (!wellFormed(file.schedule[i], names)) throw InputError(notAChoice(file, i, configured.name));
  Replay result = replay(configured, file.settings, file.schedule);
  if (result.divergence) {
    // A name no thread or APC of the execution ever had, up to where it stopped, is no choice
    // of the scenario at all; a name it has is one the schedule reached in the wrong place.
    const std::size_t entry = result.divergencePosition;
    if (entry < file.schedule.size() && !parseLabel(file.schedule[entry], result.execution.snapshot))
      throw InputError(notAChoice(file, entry, configured.name));
    throw InputError(file.path + ": field 'schedule': the trace no longer fits scenario " + configured.name + ": " +
                     *result.divergence);
  }
  nlohmann::json document = traceJson(configured, file.settings, result.execution);
  // Compared as values: printing the file again would cost time and memory for nothing.
  const bool identical = document == file.document;
  return ReplayedTrace{std::move(configured), std::move(result), std::move(document), identical};
}

}  // namespace interlock::cli

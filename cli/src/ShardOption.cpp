#include "interlock/cli/ShardOption.hpp"

#include "interlock/reports/Trace.hpp"

#include <charconv>
#include <cstdlib>

namespace interlock::cli {

namespace {

constexpr const char* kLookedFor =
    "looked for INTERLOCK_SHARD_INDEX and INTERLOCK_SHARD_COUNT (1-based, e.g. from a GitHub "
    "Actions matrix), JOB_COMPLETION_INDEX with INTERLOCK_SHARD_COUNT (Kubernetes Indexed Job), "
    "and SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT (Slurm job array)";

// A whole decimal number and nothing else; nullopt for anything else (signs, spaces, overflow).
std::optional<std::int64_t> wholeNumber(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

[[noreturn]] void fail(const std::string& what) { throw InputError("--shard auto: " + what); }

std::int64_t variable(const Environment& environment, const std::string& name, const std::string& neededBy) {
  const auto value = environment(name);
  if (!value) fail(name + " is not set (needed with " + neededBy + "); " + kLookedFor);
  const auto number = wholeNumber(*value);
  if (!number) fail(name + "='" + *value + "' is not a whole number");
  return *number;
}

std::int64_t shardCount(const Environment& environment, const std::string& neededBy) {
  const std::int64_t count = variable(environment, "INTERLOCK_SHARD_COUNT", neededBy);
  if (count < 1 || count > kMaxShards)
    fail("INTERLOCK_SHARD_COUNT=" + std::to_string(count) + " is not within 1.." + std::to_string(kMaxShards));
  return count;
}

Shard checked(std::int64_t zeroBasedIndex, std::int64_t count, const std::string& what) {
  if (zeroBasedIndex < 0 || zeroBasedIndex >= count) fail(what);
  return Shard{static_cast<std::uint32_t>(zeroBasedIndex), static_cast<std::uint32_t>(count)};
}

}  // namespace

Environment processEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Shard shardFromEnvironment(const Environment& environment) {
  if (environment("INTERLOCK_SHARD_INDEX")) {
    const std::int64_t index = variable(environment, "INTERLOCK_SHARD_INDEX", "INTERLOCK_SHARD_INDEX");
    const std::int64_t count = shardCount(environment, "INTERLOCK_SHARD_INDEX");
    return checked(index - 1, count,
                   "INTERLOCK_SHARD_INDEX=" + std::to_string(index) + " is not within 1..INTERLOCK_SHARD_COUNT=" +
                       std::to_string(count) + " (it counts from 1)");
  }
  if (environment("JOB_COMPLETION_INDEX")) {
    const std::int64_t index = variable(environment, "JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX");
    const std::int64_t count = shardCount(environment, "JOB_COMPLETION_INDEX, as Kubernetes does not export the Job's completions");
    return checked(index, count,
                   "JOB_COMPLETION_INDEX=" + std::to_string(index) + " is not within 0..INTERLOCK_SHARD_COUNT-1=" +
                       std::to_string(count - 1) + " (set INTERLOCK_SHARD_COUNT to the Job's completions)");
  }
  if (environment("SLURM_ARRAY_TASK_ID")) {
    const std::int64_t id = variable(environment, "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_ID");
    const std::int64_t min = variable(environment, "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_ID");
    const std::int64_t count = variable(environment, "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_ID");
    std::int64_t step = 1;
    if (environment("SLURM_ARRAY_TASK_STEP"))
      step = variable(environment, "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_STEP");
    if (count < 1 || count > kMaxShards)
      fail("SLURM_ARRAY_TASK_COUNT=" + std::to_string(count) + " is not within 1.." + std::to_string(kMaxShards));
    if (step < 1) fail("SLURM_ARRAY_TASK_STEP=" + std::to_string(step) + " is not a positive step");
    const std::string where = "SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " is not one of the " +
                              std::to_string(count) + " tasks from SLURM_ARRAY_TASK_MIN=" + std::to_string(min) +
                              " in steps of " + std::to_string(step) +
                              " (a sharded search needs a regular array such as --array=0-" +
                              std::to_string(count - 1) + ")";
    if (id < min || (id - min) % step != 0) fail(where);
    return checked((id - min) / step, count, where);
  }
  if (environment("INTERLOCK_SHARD_COUNT"))
    fail("INTERLOCK_SHARD_COUNT is set but no shard index is; " + std::string(kLookedFor));
  fail(std::string("no shard in the environment; ") + kLookedFor);
}

Shard parseShard(std::string_view text, const Environment& environment) {
  if (text == "auto") return shardFromEnvironment(environment);
  const std::string accepted = "expected I/N with 1 <= I <= N <= " + std::to_string(kMaxShards) +
                               " (e.g. 2/4), or auto; found '" + std::string(text) + "'";
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) throw InputError("--shard: " + accepted);
  const auto index = wholeNumber(text.substr(0, slash));
  const auto count = wholeNumber(text.substr(slash + 1));
  if (!index || !count || *index < 1 || *count < *index || *count > kMaxShards)
    throw InputError("--shard: " + accepted);
  return Shard{static_cast<std::uint32_t>(*index - 1), static_cast<std::uint32_t>(*count)};
}

std::string to_string(const Shard& shard) {
  return std::to_string(shard.index + 1) + "/" + std::to_string(shard.count);
}

}  // namespace interlock::cli

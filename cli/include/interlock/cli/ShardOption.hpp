#pragma once
// `--shard I/N` and `--shard auto`: which deterministic part of the search this process
// explores. The command line and the environment count from 1; Shard counts from 0.
#include "interlock/checker/Explorer.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace interlock::cli {

inline constexpr std::uint32_t kMaxShards = 65536;

// Looks one environment variable up; nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
[[nodiscard]] Environment processEnvironment();

// "I/N" with 1 <= I <= N <= 65536, or "auto" (shardFromEnvironment). Throws InputError
// naming --shard and what it accepts.
[[nodiscard]] Shard parseShard(std::string_view text, const Environment& environment);

// The shard a CI engine assigned, looked for in this order:
//   INTERLOCK_SHARD_INDEX (1-based) and INTERLOCK_SHARD_COUNT: a GitHub Actions matrix, any CI;
//   JOB_COMPLETION_INDEX (0-based) and INTERLOCK_SHARD_COUNT: a Kubernetes Indexed Job;
//   SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT (and
//   SLURM_ARRAY_TASK_STEP if set): a Slurm job array.
// Throws InputError saying which variables were looked for, or which one is inconsistent.
[[nodiscard]] Shard shardFromEnvironment(const Environment& environment);

// "2/4": 1-based, as --shard takes it.
[[nodiscard]] std::string to_string(const Shard& shard);

}  // namespace interlock::cli

// --shard I/N and --shard auto: the part of the search a CI job explores, from the command
// line or from the environment of the engine that runs the job.
#include "interlock/reports/Trace.hpp"
#include "interlock/cli/ShardOption.hpp"

#include <doctest/doctest.h>

#include <map>

using interlock::InputError;
using interlock::Shard;
using interlock::cli::Environment;
using interlock::cli::parseShard;
using interlock::cli::shardFromEnvironment;

namespace {

Environment environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

const Environment kEmpty = environment({});

std::string errorOf(std::string_view text, const Environment& env) {
  try {
    (void)parseShard(text, env);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("--shard I/N counts from 1 on the command line and from 0 in Shard") {
  CHECK(parseShard("2/4", kEmpty) == Shard{1, 4});
  CHECK(parseShard("1/1", kEmpty) == Shard{0, 1});
  CHECK(parseShard("65536/65536", kEmpty) == Shard{65535, 65536});
}

TEST_CASE("--shard outside 1 <= I <= N <= 65536 or not I/N names the option and the accepted form") {
  for (const char* bad : {"0/4", "5/4", "1/65537", "0/0", "2", "2-4", "/4", "2/", "a/b", "-1/4", "+1/4", "1/4x", ""}) {
    CAPTURE(bad);
    const std::string message = errorOf(bad, kEmpty);
    CHECK(message.find("--shard: expected I/N with 1 <= I <= N <= 65536 (e.g. 2/4), or auto; found '" +
                       std::string(bad) + "'") == 0);
  }
}

TEST_CASE("to_string of a shard is the 1-based form --shard takes") {
  CHECK(interlock::cli::to_string(Shard{1, 4}) == "2/4");
}

TEST_CASE("--shard auto reads INTERLOCK_SHARD_INDEX (1-based) and INTERLOCK_SHARD_COUNT") {
  CHECK(parseShard("auto", environment({{"INTERLOCK_SHARD_INDEX", "3"}, {"INTERLOCK_SHARD_COUNT", "4"}})) ==
        Shard{2, 4});
}

TEST_CASE("--shard auto reads a Kubernetes JOB_COMPLETION_INDEX (0-based) with INTERLOCK_SHARD_COUNT") {
  CHECK(shardFromEnvironment(environment({{"JOB_COMPLETION_INDEX", "0"}, {"INTERLOCK_SHARD_COUNT", "3"}})) ==
        Shard{0, 3});
  CHECK(shardFromEnvironment(environment({{"JOB_COMPLETION_INDEX", "2"}, {"INTERLOCK_SHARD_COUNT", "3"}})) ==
        Shard{2, 3});
}

TEST_CASE("--shard auto reads a Slurm job array's task id relative to its first task") {
  CHECK(shardFromEnvironment(environment({{"SLURM_ARRAY_TASK_ID", "5"},
                                          {"SLURM_ARRAY_TASK_MIN", "4"},
                                          {"SLURM_ARRAY_TASK_COUNT", "4"}})) == Shard{1, 4});
  CHECK(shardFromEnvironment(environment({{"SLURM_ARRAY_TASK_ID", "8"},
                                          {"SLURM_ARRAY_TASK_MIN", "4"},
                                          {"SLURM_ARRAY_TASK_COUNT", "3"},
                                          {"SLURM_ARRAY_TASK_STEP", "2"}})) == Shard{2, 3});
}

TEST_CASE("--shard auto prefers INTERLOCK_SHARD_INDEX over Kubernetes and Kubernetes over Slurm") {
  CHECK(shardFromEnvironment(environment({{"INTERLOCK_SHARD_INDEX", "1"},
                                          {"INTERLOCK_SHARD_COUNT", "2"},
                                          {"JOB_COMPLETION_INDEX", "1"},
                                          {"SLURM_ARRAY_TASK_ID", "1"}})) == Shard{0, 2});
  CHECK(shardFromEnvironment(environment({{"JOB_COMPLETION_INDEX", "1"},
                                          {"INTERLOCK_SHARD_COUNT", "2"},
                                          {"SLURM_ARRAY_TASK_ID", "0"},
                                          {"SLURM_ARRAY_TASK_MIN", "0"},
                                          {"SLURM_ARRAY_TASK_COUNT", "2"}})) == Shard{1, 2});
}

TEST_CASE("--shard auto without a shard in the environment lists every variable it looked for") {
  const std::string message = errorOf("auto", kEmpty);
  CHECK(message.find("--shard auto: no shard in the environment; looked for") == 0);
  for (const char* name : {"INTERLOCK_SHARD_INDEX", "INTERLOCK_SHARD_COUNT", "JOB_COMPLETION_INDEX",
                           "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"}) {
    CAPTURE(name);
    CHECK(message.find(name) != std::string::npos);
  }
}

TEST_CASE("--shard auto with an index but no count names the missing variable") {
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_INDEX", "1"}}))
            .find("--shard auto: INTERLOCK_SHARD_COUNT is not set (needed with INTERLOCK_SHARD_INDEX)") == 0);
  CHECK(errorOf("auto", environment({{"JOB_COMPLETION_INDEX", "1"}}))
            .find("--shard auto: INTERLOCK_SHARD_COUNT is not set (needed with JOB_COMPLETION_INDEX") == 0);
  CHECK(errorOf("auto", environment({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}))
            .find("--shard auto: SLURM_ARRAY_TASK_MIN is not set (needed with SLURM_ARRAY_TASK_ID)") == 0);
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_COUNT", "4"}}))
            .find("--shard auto: INTERLOCK_SHARD_COUNT is set but no shard index is") == 0);
}

TEST_CASE("--shard auto with an index outside the count names the variables and their values") {
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_INDEX", "0"}, {"INTERLOCK_SHARD_COUNT", "4"}})) ==
        "--shard auto: INTERLOCK_SHARD_INDEX=0 is not within 1..INTERLOCK_SHARD_COUNT=4 (it counts from 1)");
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_INDEX", "5"}, {"INTERLOCK_SHARD_COUNT", "4"}})) ==
        "--shard auto: INTERLOCK_SHARD_INDEX=5 is not within 1..INTERLOCK_SHARD_COUNT=4 (it counts from 1)");
  CHECK(errorOf("auto", environment({{"JOB_COMPLETION_INDEX", "3"}, {"INTERLOCK_SHARD_COUNT", "3"}}))
            .find("--shard auto: JOB_COMPLETION_INDEX=3 is not within 0..INTERLOCK_SHARD_COUNT-1=2") == 0);
  CHECK(errorOf("auto", environment({{"SLURM_ARRAY_TASK_ID", "3"},
                                     {"SLURM_ARRAY_TASK_MIN", "4"},
                                     {"SLURM_ARRAY_TASK_COUNT", "2"}}))
            .find("--shard auto: SLURM_ARRAY_TASK_ID=3 is not one of the 2 tasks from SLURM_ARRAY_TASK_MIN=4") == 0);
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_INDEX", "1"}, {"INTERLOCK_SHARD_COUNT", "65537"}})) ==
        "--shard auto: INTERLOCK_SHARD_COUNT=65537 is not within 1..65536");
}

TEST_CASE("--shard auto with a value that is not a whole number names the variable") {
  CHECK(errorOf("auto", environment({{"INTERLOCK_SHARD_INDEX", "two"}, {"INTERLOCK_SHARD_COUNT", "4"}})) ==
        "--shard auto: INTERLOCK_SHARD_INDEX='two' is not a whole number");
  CHECK(errorOf("auto", environment({{"JOB_COMPLETION_INDEX", "-1"}, {"INTERLOCK_SHARD_COUNT", "4"}})) ==
        "--shard auto: JOB_COMPLETION_INDEX='-1' is not a whole number");
}

#include "interlock/checker/RandomStrategy.hpp"

namespace interlock {

RandomStrategy::RandomStrategy(std::uint64_t seed, std::uint64_t executions)
    : seed_(seed), executions_(executions == 0 ? kDefaultExecutions : executions), rng_(seed, 0) {}

}  // namespace interlock

#pragma once
// The fuzz entry point: libFuzzer calls it through LLVMFuzzerTestOneInput, the corpus replay
// test calls it once per corpus file. Aborts on a finding.
#include <cstddef>
#include <cstdint>

int interlockFuzzOne(const std::uint8_t* data, std::size_t size);

#include "interlock/core/Footprint.hpp"

namespace interlock {

bool Footprint::merge(ObjectId object, bool write) noexcept {
  for (std::uint8_t i = 0; i < size_; ++i) {
    if (entries_[i].object != object) continue;
    entries_[i].write = entries_[i].write || write;
    return true;
  }
  return false;
}

void Footprint::append(ObjectId object, bool write) noexcept {
  if (size_ == kCapacity) {
    global_ = true;
    return;
  }
  entries_[size_++] = Entry{object, write};
}

bool Footprint::touches(ObjectId object) const noexcept {
  for (std::uint8_t i = 0; i < size_; ++i)
    if (entries_[i].object == object) return true;
  return false;
}

bool Footprint::sharesWrittenObject(const Footprint& other) const noexcept {
  for (std::uint8_t i = 0; i < size_; ++i)
    for (std::uint8_t j = 0; j < other.size_; ++j)
      if (entries_[i].object == other.entries_[j].object &&
          (entries_[i].write || other.entries_[j].write))
        return true;
  return false;
}

}  // namespace interlock

#include "interlock/core/KeptName.hpp"

namespace interlock::detail {

void assignName(std::string& kept, std::string_view name) { kept.assign(name); }

}  // namespace interlock::detail

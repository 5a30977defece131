#pragma once
// Everything a scenario needs, under the WDK's names: `using namespace interlock::wdm;`.
#include "interlock/core/Setup.hpp"
#include "interlock/primitives/Check.hpp"
#include "interlock/primitives/Eresource.hpp"
#include "interlock/primitives/Regions.hpp"
#include "interlock/primitives/Shared.hpp"
#include "interlock/primitives/WdkTypes.hpp"

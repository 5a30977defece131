#pragma once
// JUnit XML for CI dashboards (GitLab, Jenkins, GitHub test reporters): one testsuite
// "interlock", one testcase per scenario, a <failure> for each unmet expectation.
#include "interlock/reports/CheckOutcome.hpp"

#include <span>
#include <string>
#include <string_view>

namespace interlock {

// Deterministic for equal outcomes (times come from the outcomes' statistics).
[[nodiscard]] std::string junitReport(std::span<const CheckOutcome> outcomes);

enum class XmlPlace : bool { Text, Attribute };
// Text fit for XML 1.0: markup characters as entities, characters XML cannot carry (control
// characters, invalid UTF-8) as U+FFFD; in an attribute, line breaks and tabs as character
// references so a parser gives them back instead of folding them into spaces.
[[nodiscard]] std::string xmlEscape(std::string_view text, XmlPlace place = XmlPlace::Attribute);

}  // namespace interlock

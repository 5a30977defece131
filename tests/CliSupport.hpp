#pragma once
// Runs the interlock command line in-process and captures what it prints.
#include "interlock/cli/Cli.hpp"
#include "interlock/primitives/wdm.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include <initializer_list>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace interlock::test {

struct CliResult {
  int status;
  std::string out;
  std::string err;
};

inline CliResult runCli(const std::vector<std::string>& args, const Catalogue& catalogue) {
  std::vector<std::string> storage{"interlock"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& arg : storage) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  const int status = cli::main(static_cast<int>(argv.size()), argv.data(), catalogue);
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  return {status, out.str(), err.str()};
}

inline CliResult runCli(std::initializer_list<std::string> args, const Catalogue& catalogue) {
  return runCli(std::vector<std::string>(args), catalogue);
}

inline const Catalogue& builtinCatalogue() {
  static const Catalogue catalogue = cli::builtinCatalogue();
  return catalogue;
}

inline CliResult runCli(std::initializer_list<std::string> args) { return runCli(args, builtinCatalogue()); }
inline CliResult runCli(const std::vector<std::string>& args) { return runCli(args, builtinCatalogue()); }

// Parameterized scenarios for the command line's --param, trace and merge tests.
//   test/abba-rounds (rounds): `create` takes Volume then File, `rename` File then Volume,
//     each `rounds` times: a WaitCycle deadlock whose schedule grows with rounds.
//   test/counter (threads, rounds): each thread increments a shared counter `rounds` times
//     under an ERESOURCE inside a critical region: passes, with many interleavings.
inline Scenario abbaRounds() {
  using namespace wdm;
  return {"test/abba-rounds", "Two system threads take two ERESOURCEs in opposite orders, several rounds.",
          Expectation::violation(ViolationKind::Deadlock, "WaitCycle"), Bounds{},
          [](Setup& s) {
            auto& volume = s.make<ERESOURCE>("Volume");
            auto& file = s.make<ERESOURCE>("File");
            ExInitializeResourceLite(&volume);
            ExInitializeResourceLite(&file);
            const auto rounds = s.intParam("rounds");
            auto path = [rounds](ERESOURCE& first, ERESOURCE& second) {
              return [rounds, &first, &second] {
                for (std::int64_t i = 0; i < rounds; ++i) {
                  KeEnterCriticalRegion();
                  ExAcquireResourceExclusiveLite(&first, TRUE);
                  ExAcquireResourceExclusiveLite(&second, TRUE);
                  ExReleaseResourceLite(&second);
                  ExReleaseResourceLite(&first);
                  KeLeaveCriticalRegion();
                }
              };
            };
            s.systemThread("create", path(volume, file));
            s.systemThread("rename", path(file, volume));
          },
          Parameters{{"rounds", "1"}}};
}

inline Scenario counter() {
  using namespace wdm;
  return {"test/counter", "Threads increment a shared counter under an ERESOURCE in a critical region.",
          Expectation::pass(), Bounds{},
          [](Setup& s) {
            auto& lock = s.make<ERESOURCE>("Lock");
            ExInitializeResourceLite(&lock);
            auto& count = s.make<Shared<LONG>>("Count");
            const auto rounds = s.intParam("rounds");
            for (std::int64_t t = 0; t < s.intParam("threads"); ++t)
              s.systemThread("T" + std::to_string(t + 1), [rounds, &lock, &count] {
                for (std::int64_t i = 0; i < rounds; ++i) {
                  KeEnterCriticalRegion();
                  ExAcquireResourceExclusiveLite(&lock, TRUE);
                  count.store(count.load() + 1);
                  ExReleaseResourceLite(&lock);
                  KeLeaveCriticalRegion();
                }
              });
          },
          Parameters{{"rounds", "1"}, {"threads", "2"}}};
}

// The built-in catalogue plus the parameterized test scenarios.
inline const Catalogue& parameterizedCatalogue() {
  static const Catalogue catalogue = [] {
    Catalogue c = cli::builtinCatalogue();
    c.add(abbaRounds());
    c.add(counter());
    return c;
  }();
  return catalogue;
}

inline CliResult runParameterized(std::initializer_list<std::string> args) {
  return runCli(args, parameterizedCatalogue());
}
inline CliResult runParameterized(const std::vector<std::string>& args) {
  return runCli(args, parameterizedCatalogue());
}

// Sets (or unsets, for nullopt) environment variables for one test and restores them after.
class EnvironmentGuard {
 public:
  explicit EnvironmentGuard(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  EnvironmentGuard(const std::string& name, std::optional<std::string> value)
      : EnvironmentGuard(std::map<std::string, std::optional<std::string>>{{name, std::move(value)}}) {}
  ~EnvironmentGuard() {
    for (const auto& [name, value] : saved_) {
      if (value) ::setenv(name.c_str(), value->c_str(), 1);
      else ::unsetenv(name.c_str());
    }
  }
  EnvironmentGuard(const EnvironmentGuard&) = delete;
  EnvironmentGuard& operator=(const EnvironmentGuard&) = delete;

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace interlock::test

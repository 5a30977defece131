#include "interlock/core/Setup.hpp"

#include "interlock/core/Execution.hpp"

namespace interlock {

void Setup::adopt(std::unique_ptr<KernelObject> object, std::string name) {
  execution_.addObject(std::move(object), std::move(name));
}

void Setup::thread(ThreadSpec spec) { execution_.addThread(std::move(spec)); }

void Setup::userThread(std::string name, std::function<void()> body, std::string requester) {
  thread(ThreadSpec{std::move(name), std::move(requester), ThreadKind::SystemCall, true,
                    std::move(body)});
}

void Setup::apc(std::string name, std::string target, ApcKind kind,
                std::function<void()> routine) {
  execution_.addApc(std::move(name), target, kind, std::move(routine));
}

void Setup::systemThread(std::string name, std::function<void()> body) {
  thread(ThreadSpec{std::move(name), "system", ThreadKind::System, false, std::move(body)});
}

}  // namespace interlock

// FsRtlEnterFileSystem / FsRtlExitFileSystem: KeEnterCriticalRegion / KeLeaveCriticalRegion.
#include "interlock/primitives/FileSystemRegion.hpp"

#include "interlock/primitives/Call.hpp"
#include "interlock/primitives/Regions.hpp"

namespace interlock::wdm {

void FsRtlEnterFileSystem() {
  Thread& thread = detail::localCall();
  detail::enterCriticalRegion(thread, "FsRtlEnterFileSystem");
  detail::recordCall("FsRtlEnterFileSystem", nullptr, nullptr, nullptr);
}

void FsRtlExitFileSystem() {
  Thread& thread = detail::localCall();
  detail::leaveCriticalRegion(thread, "FsRtlExitFileSystem");
  detail::recordCall("FsRtlExitFileSystem", nullptr, nullptr, nullptr);
  Execution::current().apcStateChanged();  // pending APCs run before the next statement
}

}  // namespace interlock::wdm

#pragma once
// FsRtlEnterFileSystem / FsRtlExitFileSystem (kernel-rules §3.1, §17): what a file system or
// filter calls around taking its resources: a critical region, under the file system names.
namespace interlock::wdm {

void FsRtlEnterFileSystem();
void FsRtlExitFileSystem();

}  // namespace interlock::wdm

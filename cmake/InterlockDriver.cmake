# interlock_add_driver(<target> SOURCES <driver .c files> <harness .cpp files>
#                      [COMPILE_DEFINITIONS <defs for both>] [LIBRARIES <more for the program>])
#
# Builds <target>, the checker program for a driver's own C source:
# - the .c files are compiled unchanged as C (gnu11) against Interlock's wdm.h, ntddk.h,
#   ntifs.h and fltKernel.h (Interlock::wdk: the include directory, -fshort-wchar for 16-bit
#   L"..." strings, -fexceptions so that an execution can unwind through driver frames) into
#   the shared library <target>_driver, warnings on (-Wall -Wextra), with line tables (-g, paths
#   relative to the top-level source directory) for findings on driver lines. A
#   library of its own is what lets Interlock copy the driver's globals and static data back
#   to their loaded image before each execution.
# - the .cpp files (the harness: interlock::driver::scenarios()) and Interlock's main are
#   linked with Interlock::driver and Interlock::cli into <target>, which also provides the
#   kernel routines the driver library calls.
# - with INTERLOCK_DRIVER_RACES (ON by default) the .c files are compiled with the compiler's
#   ThreadSanitizer instrumentation but linked without its runtime: Interlock::driver provides
#   every __tsan_* entry point, and its race detector checks the driver's memory accesses.
# Works in Interlock's own build and from the installed package (find_package(Interlock)).
enable_language(C)  # the driver's sources; file scope, as enable_language requires
option(INTERLOCK_DRIVER_RACES "Compile driver sources with ThreadSanitizer instrumentation for Interlock's race detector" ON)
get_filename_component(_interlock_driver_main "${CMAKE_CURRENT_LIST_DIR}/InterlockDriverMain.cpp" ABSOLUTE)

function(interlock_add_driver target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LIBRARIES;COMPILE_DEFINITIONS")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "interlock_add_driver(${target}): no SOURCES (the driver's .c files and the harness's .cpp files)")
  endif()
  set(c_sources)
  set(cxx_sources)
  foreach(source IN LISTS arg_SOURCES)
    if(source MATCHES "\\.c$")
      list(APPEND c_sources ${source})
    else()
      list(APPEND cxx_sources ${source})
    endif()
  endforeach()
  if(NOT c_sources)
    message(FATAL_ERROR "interlock_add_driver(${target}): SOURCES has no .c file of the driver")
  endif()
  if(NOT cxx_sources)
    message(FATAL_ERROR "interlock_add_driver(${target}): SOURCES has no harness (.cpp) defining interlock::driver::scenarios()")
  endif()

  add_library(${target}_driver SHARED ${c_sources})
  # No LTO in any configuration: gcc's link-time pass would drop the instrumentation below.
  set_target_properties(${target}_driver PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS ON
                        INTERPROCEDURAL_OPTIMIZATION OFF INTERPROCEDURAL_OPTIMIZATION_RELEASE OFF
                        INTERPROCEDURAL_OPTIMIZATION_RELWITHDEBINFO OFF INTERPROCEDURAL_OPTIMIZATION_MINSIZEREL OFF
                        INTERPROCEDURAL_OPTIMIZATION_DEBUG OFF)
  target_compile_options(${target}_driver PRIVATE -fno-lto)
  target_link_libraries(${target}_driver PRIVATE Interlock::wdk)
  target_compile_options(${target}_driver PRIVATE -Wall -Wextra)
  # Line tables, with the project's source root written as ".": a finding names the driver's
  # line as "driver.c:120" on every machine (the symbolizer reads them; code is unchanged).
  target_compile_options(${target}_driver PRIVATE -g "-fdebug-prefix-map=${CMAKE_SOURCE_DIR}=.")
  if(INTERLOCK_DRIVER_RACES)
    # Instrumented, not linked with libtsan: the program's bridge defines the entry points. A
    # sanitizer build's -fsanitize=address cannot be combined with it: the driver goes without.
    get_target_property(options ${target}_driver COMPILE_OPTIONS)
    if(options)
      list(FILTER options EXCLUDE REGEX "^-fsanitize|^-fno-sanitize")
      set_target_properties(${target}_driver PROPERTIES COMPILE_OPTIONS "${options}")
    endif()
    target_compile_options(${target}_driver PRIVATE -fsanitize=thread
      $<$<C_COMPILER_ID:GNU>:--param=tsan-distinguish-volatile=1 -Wno-tsan>
      $<$<C_COMPILER_ID:Clang>:SHELL:-mllvm -tsan-distinguish-volatile=1>)
  endif()
  # Bound at load: nothing in the driver's writable data changes between the image's snapshot
  # and the first call of a routine.
  target_link_options(${target}_driver PRIVATE -Wl,-z,now)

  add_executable(${target} ${cxx_sources} ${_interlock_driver_main})
  # The driver library's kernel routines resolve to the bridge in the program.
  set_target_properties(${target} PROPERTIES ENABLE_EXPORTS ON)
  target_link_libraries(${target} PRIVATE ${target}_driver Interlock::driver Interlock::cli ${arg_LIBRARIES})
  if(arg_COMPILE_DEFINITIONS)
    target_compile_definitions(${target}_driver PRIVATE ${arg_COMPILE_DEFINITIONS})
    target_compile_definitions(${target} PRIVATE ${arg_COMPILE_DEFINITIONS})
  endif()
endfunction()

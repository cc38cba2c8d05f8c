# Registers one CTest test per GoogleTest suite of a test binary, named <prefix>.<Suite>.
#
# gtest_discover_tests registers one process per test: 635 unit tests were 635 starts of the
# binary, which under AddressSanitizer cost 0.1 s each (a minute of CPU, four times the tests'
# own time). A process per suite keeps a failure's name precise to the suite, and gtest's own
# output names the test. The list is taken from the binary after each build, like
# gtest_discover_tests does, so a new suite needs no CMake change.
#
#   awsprof_add_gtest_suites(TARGET PREFIX [TIMEOUT seconds])
function(awsprof_add_gtest_suites target prefix)
  cmake_parse_arguments(ARG "" "TIMEOUT" "" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set(list_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -D "BINARY=$<TARGET_FILE:${target}>" -D "OUTPUT=${list_file}"
            -D "PREFIX=${prefix}" -D "TIMEOUT=${ARG_TIMEOUT}"
            -P "${PROJECT_SOURCE_DIR}/cmake/gtest_suites_list.cmake"
    BYPRODUCTS "${list_file}"
    VERBATIM)
  # Before the first build there is no list: CTest then reports the binary as not built.
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites_include.cmake")
  file(WRITE "${include_file}"
       "if(EXISTS \"${list_file}\")\n"
       "  include(\"${list_file}\")\n"
       "else()\n"
       "  add_test(${prefix}.NOT_BUILT ${target}_NOT_BUILT)\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()

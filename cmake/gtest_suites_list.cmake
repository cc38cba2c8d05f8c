# Run after a GoogleTest binary is built (cmake/gtest_suites.cmake): writes the add_test() of each
# of its suites to OUTPUT. Inputs: BINARY, OUTPUT, PREFIX, TIMEOUT.
execute_process(COMMAND "${BINARY}" --gtest_list_tests
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE status TIMEOUT 60)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${BINARY} --gtest_list_tests failed (${status}): ${errors}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  # Suite lines start in column 0 and end with a dot ("Suite." or "Prefix/Suite.  # TypeParam").
  if(line MATCHES "^([A-Za-z0-9_/]+)\\.")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND script
      "add_test([=[${PREFIX}.${suite}]=] [==[${BINARY}]==] [=[--gtest_filter=${suite}.*]=])\n"
      # A suite whose every test skipped itself (GTEST_SKIP) is reported as skipped, not passed.
      "set_tests_properties([=[${PREFIX}.${suite}]=] PROPERTIES TIMEOUT ${TIMEOUT} LABELS unit "
      "SKIP_REGULAR_EXPRESSION [==[\\[  PASSED  \\] 0 tests\\.]==])\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${BINARY} lists no GoogleTest suite")
endif()
file(WRITE "${OUTPUT}" "${script}")

# Fuzzing regressions (fuzz/README.md, fuzz-regressions/README.md): the inputs
# that broke a fuzz target, replayed through the normal build's loader and
# reader (the targets' own checks, via fuzz/replay.c) and through the commands.
foreach(t job results)
  add_executable(fuzz_${t}_replay ${PROJECT_SOURCE_DIR}/fuzz/fuzz_${t}.c
                                  ${PROJECT_SOURCE_DIR}/fuzz/replay.c)
  target_link_libraries(fuzz_${t}_replay PRIVATE mc_io)
endforeach()
set(MC_FUZZ_REG ${CMAKE_CURRENT_SOURCE_DIR}/fuzz-regressions)
add_test(NAME fuzz_regressions_job
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hostile/fuzz_regressions.sh job
                 $<TARGET_FILE:fuzz_job_replay> $<TARGET_FILE:crossover> ${MC_FUZZ_REG}/job)
# Inputs on which HDF5 loops wait out the reader's time bound (2 s here).
add_test(NAME fuzz_regressions_results
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hostile/fuzz_regressions.sh results
                 $<TARGET_FILE:fuzz_results_replay> $<TARGET_FILE:crossover>
                 ${MC_FUZZ_REG}/results.tar.xz "[co]*")
add_test(NAME fuzz_regressions_results_timeouts
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/hostile/fuzz_regressions.sh results
                 $<TARGET_FILE:fuzz_results_replay> $<TARGET_FILE:crossover>
                 ${MC_FUZZ_REG}/results.tar.xz "timeout-*")
set_tests_properties(fuzz_regressions_job fuzz_regressions_results
                     PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS hostile TIMEOUT 1800)
set_tests_properties(fuzz_regressions_results_timeouts PROPERTIES
                     ENVIRONMENT "${MC_TEST_ENV};CROSSOVER_PROBE_SECONDS=2" LABELS hostile
                     TIMEOUT 1800)

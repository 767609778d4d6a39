# Hostile inputs and environment faults (issue 8): damaged, truncated, foreign,
# newer-format and missing results files given to report, merge, plot and
# run --resume; unwritable outputs, missing or directory job files, a full
# disk, and a rank failing mid-run; each must fail cleanly, writing nothing.
set(MC_HOSTILE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/hostile)
foreach(cmd report merge plot resume)
  add_test(NAME hostile_results_${cmd}
           COMMAND bash ${MC_HOSTILE_DIR}/results.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PYTHON3_DEBIAN} ${cmd})
  set_tests_properties(hostile_results_${cmd} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}"
                       LABELS hostile TIMEOUT 900)
endforeach()
add_test(NAME hostile_faults
         COMMAND bash ${MC_HOSTILE_DIR}/faults.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE})
set_tests_properties(hostile_faults PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS hostile
                     TIMEOUT 1800)
add_test(NAME hostile_numeric
         COMMAND bash ${MC_HOSTILE_DIR}/numeric.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PYTHON3_DEBIAN})
set_tests_properties(hostile_numeric PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS hostile
                     TIMEOUT 900)
# Safe writes (issue 17): planted links, outputs appearing mid-run, existing
# checkpoints, signals with per-sample output, names checked up front, a
# checkpoint on a full disk, escaped control characters.
add_test(NAME hostile_safe_writes
         COMMAND bash ${MC_HOSTILE_DIR}/safe_writes.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PYTHON3_DEBIAN})
set_tests_properties(hostile_safe_writes PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS hostile
                     TIMEOUT 900)
# Memory predicted before allocation: jobs over CROSSOVER_MAX_SKETCH_MB are
# refused by check and run, under an address-space limit.
add_test(NAME hostile_memory
         COMMAND bash ${MC_HOSTILE_DIR}/memory.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${MC_SOURCE_DIR}/jobs)
set_tests_properties(hostile_memory PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS hostile
                     TIMEOUT 600)
# Signals to Open MPI's mpiexec itself (docs/cluster.md): SIGUSR1 exits 3 with
# a checkpoint; SIGTERM exits 1, with a checkpoint only when the ranks are given
# time (odls_base_sigkill_timeout).
add_test(NAME hostile_mpirun_signals
         COMMAND bash ${MC_HOSTILE_DIR}/mpirun_signals.sh $<TARGET_FILE:crossover>
                 ${MPIEXEC_EXECUTABLE} ${MC_SOURCE_DIR}/jobs)
set_tests_properties(hostile_mpirun_signals PROPERTIES ENVIRONMENT "${MC_TEST_ENV}"
                     LABELS hostile TIMEOUT 600)

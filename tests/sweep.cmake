# crossover sweep (docs/writing-jobs.md, "Sweeps"): three values of one
# parameter end to end, read back with the Python package and compared by
# `crossover report`; the sweep's runs against `crossover run`, 2 ranks
# against 1; the refusals before any run and --resume.
add_test(NAME sweep_e2e
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sweep/sweep.sh $<TARGET_FILE:crossover>
                 ${MPIEXEC_EXECUTABLE} ${MC_SOURCE_DIR} ${PYTHON3_DEBIAN})
set_tests_properties(sweep_e2e PROPERTIES ENVIRONMENT
                     "${MC_TEST_ENV};PYTHONPATH=${PROJECT_SOURCE_DIR}/python;PYTHONDONTWRITEBYTECODE=1"
                     LABELS sweep)

# The default job's calibration checks (docs/sources.md): the shipped job, at
# its own 10^6 samples and seed, run on 2 ranks, must pass every check of
# scripts/check_sources.py (medians and tails of the bands, crossover medians).
add_test(NAME calibration_default_job
         COMMAND bash -c "set -e; t=$(mktemp -d); trap 'rm -rf $t' EXIT; \
                 ${MPIEXEC_EXECUTABLE} -n 2 --oversubscribe $<TARGET_FILE:crossover> run \
                 ${PROJECT_SOURCE_DIR}/jobs/epoch-2030.yaml -q -o $t/e.h5; \
                 ${PYTHON3_DEBIAN} ${PROJECT_SOURCE_DIR}/scripts/check_sources.py $t/e.h5")
set_tests_properties(calibration_default_job PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)

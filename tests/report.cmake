# Reports people use (issue 6): `crossover plot` to PNG, PDF and SVG and its
# refusals; `crossover report` in every format, one file and two; reading a
# results file from the Python ecosystem (h5py, xarray with h5netcdf).
set(MC_REPORT_DIR ${CMAKE_CURRENT_SOURCE_DIR}/report)
add_test(NAME report_plot
         COMMAND bash ${MC_REPORT_DIR}/plot.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR}
                 ${PYTHON3_DEBIAN})
add_test(NAME report_formats
         COMMAND bash ${MC_REPORT_DIR}/formats.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${MC_SOURCE_DIR} ${PYTHON3_DEBIAN})
add_test(NAME report_python_xarray
         COMMAND bash ${MC_REPORT_DIR}/python.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR}
                 ${PYTHON3_DEBIAN})
set_tests_properties(report_plot report_formats report_python_xarray
                     PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS report)

# Charts drawn in process from the engine's state: the binding constraints of
# model capacity from exact counts, which results files do not carry yet.
mc_unit_test(test_plot ${CMAKE_CURRENT_SOURCE_DIR}/test_plot.c mc_cli)
target_compile_definitions(test_plot PRIVATE MC_SOURCE_DIR="${MC_SOURCE_DIR}")
set_tests_properties(test_plot PROPERTIES LABELS report)
add_test(NAME report_regimes_observations
         COMMAND bash ${MC_REPORT_DIR}/regimes.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR})
set_tests_properties(report_regimes_observations PROPERTIES ENVIRONMENT "${MC_TEST_ENV}"
                     LABELS report)

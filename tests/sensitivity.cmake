# Sensitivity analysis and convergence (issue 5), through the engine in
# process: Sobol' indices against analytic ones for every design, exact
# merging of parts, sampling.stop_when under a resume, percentile standard
# errors against the spread over seeds.
mc_unit_test(test_sensitivity ${CMAKE_CURRENT_SOURCE_DIR}/test_sensitivity.c mc_io GSL::gsl)

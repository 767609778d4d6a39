# Distributions and the Gaussian copula: serial unit and statistical tests.
mc_unit_test(test_dist ${CMAKE_CURRENT_SOURCE_DIR}/test_dist.c mc_distributions)
mc_unit_test(test_copula ${CMAKE_CURRENT_SOURCE_DIR}/test_copula.c mc_distributions)

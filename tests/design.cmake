# Sampling designs (engine/mc_design.c, issue 5): LHS stratification and
# permutation, Sobol' known points, net property and uniformity.
mc_unit_test(test_design ${CMAKE_CURRENT_SOURCE_DIR}/test_design.c mc_engine GSL::gsl)

# The error path (base/mc_error.h): places, first error wins, prefixes.
mc_unit_test(test_error ${CMAKE_CURRENT_SOURCE_DIR}/test_error.c mc_base)

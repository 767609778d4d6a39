mc_unit_test(test_sample ${CMAKE_CURRENT_SOURCE_DIR}/test_sample.c mc_engine)

mc_unit_test(test_model ${CMAKE_CURRENT_SOURCE_DIR}/test_model.c mc_engine)
mc_unit_test(test_model_isa ${CMAKE_CURRENT_SOURCE_DIR}/test_model_isa.c mc_engine)
target_include_directories(test_model_isa PRIVATE ${PROJECT_SOURCE_DIR}/engine)
# the same flags as the engine library, so only the clone differs
target_compile_options(test_model_isa PRIVATE -ffp-contract=off -fno-math-errno -fno-trapping-math
                                              -fvect-cost-model=dynamic)
mc_unit_test(test_vmath ${CMAKE_CURRENT_SOURCE_DIR}/test_vmath.c mc_engine)
target_include_directories(test_vmath PRIVATE ${PROJECT_SOURCE_DIR}/engine)
target_compile_options(test_vmath PRIVATE -ffp-contract=off -fno-math-errno -fno-trapping-math
                                          -fvect-cost-model=dynamic)

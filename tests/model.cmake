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
# Model `capacity` (engine/mc_capacity.c): hand-computed cases, the crossing
# rule and the clones' bits in test_capacity; every series against the
# independent NumPy reference bench/reference_capacity.py in
# capacity_reference (through the capacity_dump driver).
mc_unit_test(test_capacity ${CMAKE_CURRENT_SOURCE_DIR}/test_capacity.c mc_engine)
target_include_directories(test_capacity PRIVATE ${PROJECT_SOURCE_DIR}/engine)
target_compile_options(test_capacity PRIVATE -ffp-contract=off -fno-math-errno -fno-trapping-math
                                             -fvect-cost-model=dynamic)
add_executable(capacity_dump ${CMAKE_CURRENT_SOURCE_DIR}/capacity_dump.c)
target_link_libraries(capacity_dump PRIVATE mc_engine)
add_test(NAME capacity_reference
         COMMAND ${PYTHON3_DEBIAN} ${CMAKE_CURRENT_SOURCE_DIR}/capacity_ref_check.py
                 $<TARGET_FILE:capacity_dump>)
add_test(NAME capacity_reference_selftest
         COMMAND ${PYTHON3_DEBIAN} ${PROJECT_SOURCE_DIR}/bench/reference_capacity.py --self-test)
set_tests_properties(capacity_reference capacity_reference_selftest
                     PROPERTIES ENVIRONMENT "${MC_TEST_ENV}")

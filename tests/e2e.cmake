# End-to-end runs of real job files (STYLE.md "Tests", third layer).
set(MC_E2E ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
foreach(job epoch-2030 epoch-2030-demand power-capped power-capped-inference-first
            power-capped-training-first slow-growth)
  add_test(NAME e2e_ranks_bitwise_${job}
           COMMAND bash ${MC_E2E}/ranks_bitwise.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml 60000)
  set_tests_properties(e2e_ranks_bitwise_${job} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
endforeach()
foreach(job epoch-2030-demand power-capped-training-first)
  add_test(NAME e2e_brute_force_${job}
           COMMAND bash ${MC_E2E}/brute_force.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml 40000)
  set_tests_properties(e2e_brute_force_${job} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
endforeach()
add_test(NAME e2e_parts_merge
         COMMAND bash ${MC_E2E}/parts_merge.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PROJECT_SOURCE_DIR}/jobs/epoch-2030.yaml 50000)
add_test(NAME e2e_resume
         COMMAND bash ${MC_E2E}/resume.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PROJECT_SOURCE_DIR}/jobs/epoch-2030.yaml 8000000)
set_tests_properties(e2e_parts_merge e2e_resume PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
# Sampling designs, sensitivity analysis and stop_when (issue 5).
add_test(NAME e2e_designs
         COMMAND bash ${MC_E2E}/designs.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PROJECT_SOURCE_DIR}/jobs/epoch-2030.yaml 40000)
add_test(NAME e2e_sensitivity
         COMMAND bash ${MC_E2E}/sensitivity.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${CMAKE_CURRENT_SOURCE_DIR}/jobs/sensitivity.yaml 20000)
set_tests_properties(e2e_designs e2e_sensitivity PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)

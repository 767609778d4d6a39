# End-to-end runs of real job files (the third layer of tests).
set(MC_E2E ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
foreach(job epoch-2030 power-stall capex-correction epoch-2030-regimes backtest-2020
            epoch-2030-demand power-capped
            power-capped-inference-first power-capped-training-first slow-growth)
  add_test(NAME e2e_ranks_bitwise_${job}
           COMMAND bash ${MC_E2E}/ranks_bitwise.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml 60000)
  set_tests_properties(e2e_ranks_bitwise_${job} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
endforeach()
foreach(job epoch-2030 power-stall epoch-2030-regimes backtest-2020 epoch-2030-demand
            power-capped-training-first)
  add_test(NAME e2e_brute_force_${job}
           COMMAND bash ${MC_E2E}/brute_force.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml 40000)
  set_tests_properties(e2e_brute_force_${job} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
endforeach()
# Parts merged and interrupted runs resumed, for each model's default job
# (model capacity: its binding-constraint counts and their state field too).
foreach(case "epoch-2030 40000 8000000" "epoch-2030-regimes 40000 8000000"
             "epoch-2030-demand 50000 8000000")
  separate_arguments(case)
  list(GET case 0 job)
  list(GET case 1 parts_samples)
  list(GET case 2 resume_samples)
  add_test(NAME e2e_parts_merge_${job}
           COMMAND bash ${MC_E2E}/parts_merge.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml ${parts_samples})
  add_test(NAME e2e_resume_${job}
           COMMAND bash ${MC_E2E}/resume.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                   ${PROJECT_SOURCE_DIR}/jobs/${job}.yaml ${resume_samples})
  set_tests_properties(e2e_parts_merge_${job} e2e_resume_${job} PROPERTIES ENVIRONMENT
                       "${MC_TEST_ENV}" LABELS mpi)
endforeach()
# Sampling designs, sensitivity analysis and stop_when (issue 5).
add_test(NAME e2e_designs
         COMMAND bash ${MC_E2E}/designs.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PROJECT_SOURCE_DIR}/jobs/epoch-2030.yaml 40000)
add_test(NAME e2e_sensitivity
         COMMAND bash ${MC_E2E}/sensitivity.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${CMAKE_CURRENT_SOURCE_DIR}/jobs/sensitivity.yaml 20000)
set_tests_properties(e2e_designs e2e_sensitivity PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)
# Regimes: each regime's results match a run of its distribution alone (within
# 5 standard errors); parts with different regimes do not merge.
add_test(NAME e2e_regimes_statistical
         COMMAND bash ${MC_E2E}/regimes_stat.sh $<TARGET_FILE:crossover> ${MPIEXEC_EXECUTABLE}
                 ${PROJECT_SOURCE_DIR} 200000)
set_tests_properties(e2e_regimes_statistical PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS mpi)

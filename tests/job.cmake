# The job-file loader (io/mc_job.c) and `crossover check`: unit tests of the
# loader, one ctest per malformed job under jobs/bad/ (each names the line and
# the words its message must have, and `run` must refuse it writing nothing),
# and `check` accepting the fixtures and the shipped jobs.
mc_unit_test(test_job test_job.c mc_io)
target_compile_definitions(test_job PRIVATE MC_SOURCE_DIR="${MC_SOURCE_DIR}")

file(GLOB MC_BAD_JOBS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/jobs/bad/*.yaml)
list(SORT MC_BAD_JOBS)
foreach(job ${MC_BAD_JOBS})
  get_filename_component(name ${job} NAME_WE)
  add_test(NAME job_bad_${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad_jobs.sh $<TARGET_FILE:crossover> ${job})
  set_tests_properties(job_bad_${name} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS job)
endforeach()

file(GLOB MC_SHIPPED_JOBS CONFIGURE_DEPENDS ${MC_SOURCE_DIR}/jobs/*.yaml)
list(SORT MC_SHIPPED_JOBS)
foreach(job ${CMAKE_CURRENT_SOURCE_DIR}/jobs/minimal.yaml ${CMAKE_CURRENT_SOURCE_DIR}/jobs/full.yaml
            ${MC_SHIPPED_JOBS})
  get_filename_component(name ${job} NAME_WE)
  add_test(NAME job_check_${name}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad_jobs.sh --valid $<TARGET_FILE:crossover>
                   ${job})
  set_tests_properties(job_check_${name} PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS job)
endforeach()

add_test(NAME job_check_usage
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/bad_jobs.sh --usage $<TARGET_FILE:crossover>)
set_tests_properties(job_check_usage PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS job)

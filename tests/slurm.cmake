# Slurm: the batch scripts of slurm/ on a real cluster (an array of parts and its
# merge, a run over MPI ranks, a preempted run that requeues and resumes), each
# compared bit for bit with a plain run. Skipped (exit 77) when no Slurm controller
# answers `scontrol ping`; .ci/slurm-up.sh starts a one-node cluster. The jobs share
# the cluster, so these tests never run at the same time as each other.
file(GLOB MC_SLURM_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/slurm/*.sh)
list(SORT MC_SLURM_TESTS)
set(MC_SLURM_ENV "${MC_TEST_ENV}" "MC_SOURCE_DIR=${MC_SOURCE_DIR}")
if(PYTHON3_DEBIAN)
  list(APPEND MC_SLURM_ENV "PYTHON3=${PYTHON3_DEBIAN}")
endif()
foreach(script ${MC_SLURM_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME slurm_${name} COMMAND bash ${script} $<TARGET_FILE:crossover>)
  set_tests_properties(slurm_${name} PROPERTIES
    ENVIRONMENT "${MC_SLURM_ENV}" LABELS slurm SKIP_RETURN_CODE 77 TIMEOUT 600
    RESOURCE_LOCK slurm_cluster)
endforeach()

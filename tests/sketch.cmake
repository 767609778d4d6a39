# Quantile sketch and exact accumulator (engine/mc_sketch.c, engine/mc_xsum.c).
# Built from their own sources so they do not wait on the rest of mc_engine.
set(MC_SKETCH_SOURCES ${PROJECT_SOURCE_DIR}/engine/mc_sketch.c ${PROJECT_SOURCE_DIR}/engine/mc_xsum.c)
foreach(t test_sketch test_xsum)
  mc_unit_test(${t} ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c mc_base GSL::gsl m)
  target_sources(${t} PRIVATE ${MC_SKETCH_SOURCES})
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/engine
                                          ${PROJECT_SOURCE_DIR}/distributions)
endforeach()

# The prediction of a job's sketch memory (engine/mc_memory.c) against the
# counters its blocks really allocate.
mc_unit_test(test_memory test_memory.c mc_io)
target_compile_definitions(test_memory PRIVATE MC_SOURCE_DIR="${MC_SOURCE_DIR}")

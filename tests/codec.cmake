# The engine's state codec (engine/mc_codec.h): round trip, merging through
# it, damaged fields refused.
mc_unit_test(test_codec ${CMAKE_CURRENT_SOURCE_DIR}/test_codec.c mc_io)
target_compile_definitions(test_codec PRIVATE MC_SOURCE_DIR="${MC_SOURCE_DIR}")

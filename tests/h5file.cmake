# Results files in standard tools: CF attributes and UDUNITS-2 units, the
# deflated /state, h5repack (tests/h5file).
set(MC_H5FILE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/h5file)
add_test(NAME h5file_cf_repack
         COMMAND bash ${MC_H5FILE_DIR}/cf_repack.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR}
                 ${PYTHON3_DEBIAN})
set_tests_properties(h5file_cf_repack PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS h5file)
add_test(NAME h5file_export
         COMMAND bash ${MC_H5FILE_DIR}/export.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR}
                 ${PYTHON3_DEBIAN})
set_tests_properties(h5file_export PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" LABELS h5file)

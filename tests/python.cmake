# The Python reader (python/crossover, docs/python.md), run with Debian's
# /usr/bin/python3 on the source tree's package: crossover.open against the
# raw HDF5 values of files the engine wrote, open_many over three runs of one
# job, synthetic files with the second-round groups, the plots to PNG, and the
# package's installation (cmake --install; pip, offline, where pip exists).
set(MC_PY_DIR ${CMAKE_CURRENT_SOURCE_DIR}/python)
set(MC_PY_FILES ${CMAKE_CURRENT_BINARY_DIR}/python-files)
set(MC_PY_ENV ${MC_TEST_ENV} "PYTHONPATH=${PROJECT_SOURCE_DIR}/python:${MC_PY_DIR}"
    PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg)

add_test(NAME python_files
         COMMAND bash ${MC_PY_DIR}/make_files.sh $<TARGET_FILE:crossover> ${MC_SOURCE_DIR} ${MC_PY_FILES})
set_tests_properties(python_files PROPERTIES FIXTURES_SETUP python_files)

add_test(NAME python_reader COMMAND ${PYTHON3_DEBIAN} ${MC_PY_DIR}/test_real.py ${MC_PY_FILES})
add_test(NAME python_open_many COMMAND ${PYTHON3_DEBIAN} ${MC_PY_DIR}/test_many.py ${MC_PY_FILES})
add_test(NAME python_plots
         COMMAND ${PYTHON3_DEBIAN} ${MC_PY_DIR}/test_plots.py ${MC_PY_FILES}
                 ${CMAKE_CURRENT_BINARY_DIR}/python-plots)
set_tests_properties(python_reader python_open_many python_plots
                     PROPERTIES FIXTURES_REQUIRED python_files)
add_test(NAME python_synthetic COMMAND ${PYTHON3_DEBIAN} ${MC_PY_DIR}/test_synthetic.py)
add_test(NAME python_install
         COMMAND bash ${MC_PY_DIR}/install.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
                 ${PROJECT_SOURCE_DIR}/python ${PYTHON3_DEBIAN})
set_tests_properties(python_install PROPERTIES SKIP_RETURN_CODE 77)
set_tests_properties(python_files python_reader python_open_many python_plots python_synthetic
                     python_install
                     PROPERTIES ENVIRONMENT "${MC_PY_ENV}" LABELS python)

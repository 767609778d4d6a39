# The manual page (docs/man/crossover.1): renders cleanly, names every
# command and every option of the commands' --help, and is installed.
add_test(NAME man_page
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/man/check_man.sh $<TARGET_FILE:crossover>
                 ${MC_SOURCE_DIR} ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR})
set_tests_properties(man_page PROPERTIES ENVIRONMENT "${MC_TEST_ENV}" SKIP_RETURN_CODE 77
                     LABELS man)

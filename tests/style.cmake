# House rules checked on the sources: no file over 1000 lines, no function over
# 120 lines outside tests/, fuzz/ and bench/ (scripts/size_audit.py).
add_test(NAME size_audit COMMAND ${PYTHON3_DEBIAN} ${PROJECT_SOURCE_DIR}/scripts/size_audit.py
                                 ${PROJECT_SOURCE_DIR})
set_tests_properties(size_audit PROPERTIES LABELS style)
# The audit itself: a tree with one 121-line function must fail it.
string(REPEAT "  x++;\n" 119 MC_LONG_BODY)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/size_audit_fixture/engine/long.c "int f(void) {\n${MC_LONG_BODY}}\n")
add_test(NAME size_audit_detects COMMAND ${PYTHON3_DEBIAN} ${PROJECT_SOURCE_DIR}/scripts/size_audit.py
                                         ${CMAKE_CURRENT_BINARY_DIR}/size_audit_fixture)
set_tests_properties(size_audit_detects PROPERTIES LABELS style WILL_FAIL TRUE)

/* The error path (base/mc_error.h) as a Debug build compiles it: every macro
 * records the source file and line it was raised at, named relative to the
 * source tree; the first error wins; a prefix keeps the place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#ifndef MC_ERROR_PLACES
#define MC_ERROR_PLACES 1 /* this file tests what Debug builds record */
#endif
#include "mc_error.h"

static int raise_line, fail_line;

static int raises(mc_err *e) {
  raise_line = __LINE__ + 1;
  MC_RAISE(e, MC_EINPUT, "bad value %d", 7);
}

static int fails_to_cleanup(mc_err *e, int *cleaned) {
  int rc = MC_OK;
  fail_line = __LINE__ + 1;
  MC_FAIL(e, MC_EFAIL, "out of %s", "memory");
cleanup:
  *cleaned = 1;
  return rc;
}

static int passes_up(mc_err *e, int *cleaned) {
  int rc = MC_OK;
  MC_CHECK(raises(e));
  rc = MC_EFAIL; /* not reached */
cleanup:
  *cleaned = 1;
  return rc;
}

/* e names this file at line as its place. */
static void assert_at(const mc_err *e, int line) {
  char want[160];
  snprintf(want, sizeof want, " (at tests/test_error.c:%d)", line);
  assert_string_equal(e->where, want);
}

static void test_raise_records_place(void **state) {
  mc_err e = {0};
  assert_int_equal(raises(&e), MC_EINPUT);
  assert_int_equal(e.status, MC_EINPUT);
  assert_string_equal(e.msg, "bad value 7");
  assert_at(&e, raise_line);
}

static void test_fail_records_place_and_cleans_up(void **state) {
  mc_err e = {0};
  int cleaned = 0;
  assert_int_equal(fails_to_cleanup(&e, &cleaned), MC_EFAIL);
  assert_int_equal(cleaned, 1);
  assert_string_equal(e.msg, "out of memory");
  assert_at(&e, fail_line);
}

static void test_check_passes_up_the_first_place(void **state) {
  mc_err e = {0};
  int cleaned = 0;
  assert_int_equal(passes_up(&e, &cleaned), MC_EINPUT);
  assert_int_equal(cleaned, 1);
  assert_at(&e, raise_line);
  /* a later error neither replaces the message nor the place */
  assert_int_equal(mc_err_set(&e, MC_EFAIL, "later"), MC_EFAIL);
  assert_string_equal(e.msg, "bad value 7");
  assert_at(&e, raise_line);
  /* context added on the way up keeps the place */
  assert_int_equal(mc_err_prefix(&e, "job %s", "a.yaml"), MC_EINPUT);
  assert_string_equal(e.msg, "job a.yaml: bad value 7");
  assert_at(&e, raise_line);
}

static void test_no_place_without_file(void **state) {
  mc_err e = {0};
  assert_int_equal(mc_err_set_at(&e, NULL, 0, MC_EINPUT, "plain"), MC_EINPUT);
  assert_string_equal(e.msg, "plain");
  assert_string_equal(e.where, "");
  mc_err_clear(&e);
  assert_int_equal(e.status, MC_OK);
  assert_string_equal(e.where, "");
  /* a file outside the source tree is named as given */
  assert_int_equal(mc_err_set_at(&e, "/elsewhere/x.c", 5, MC_EFAIL, "m"), MC_EFAIL);
  assert_string_equal(e.where, " (at /elsewhere/x.c:5)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_raise_records_place),
      cmocka_unit_test(test_fail_records_place_and_cleans_up),
      cmocka_unit_test(test_check_passes_up_the_first_place),
      cmocka_unit_test(test_no_place_without_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Assertions and helpers shared by the C test programs. A failed check prints where and why,
 * then exits non-zero, which is what ctest looks at. */
#ifndef MT_TEST_SUPPORT_H
#define MT_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "mycelium_telemetry.h"

#define CHECK(condition)                                                               \
  do {                                                                                 \
    if (!(condition)) {                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);    \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

#define CHECK_STATUS(call, expected)                                                   \
  do {                                                                                 \
    int got_status_ = (int)(call);                                                     \
    int expected_status_ = (int)(expected);                                            \
    if (got_status_ != expected_status_) {                                             \
      fprintf(stderr, "%s:%d: %s\n  returned %d (%s), expected %d (%s)\n", __FILE__,   \
              __LINE__, #call, got_status_, mt_status_message(got_status_),            \
              expected_status_, mt_status_message(expected_status_));                  \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

#define CHECK_STREQ(actual, expected)                                                  \
  do {                                                                                 \
    const char *actual_text_ = (actual);                                               \
    const char *expected_text_ = (expected);                                           \
    if (actual_text_ == NULL || strcmp(actual_text_, expected_text_) != 0) {           \
      fprintf(stderr, "%s:%d: %s\n  is \"%s\"\n  expected \"%s\"\n", __FILE__,         \
              __LINE__, #actual, actual_text_ ? actual_text_ : "(NULL)",               \
              expected_text_);                                                         \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

/* The checks on what reached the collector print every body on failure, which is the one thing
 * needed to understand it. */
#define CHECK_SENT(collector, needle)                                                  \
  check_sent((collector), (needle), true, __FILE__, __LINE__)
#define CHECK_NOT_SENT(collector, needle)                                              \
  check_sent((collector), (needle), false, __FILE__, __LINE__)

void check_sent(mt_test_collector *collector, const char *needle, bool wanted, const char *file,
                int line);

/* Checks that `"<key>":"<sha256(identifier + "test-salt")>"` reached `collector`. */
void check_sent_hash(mt_test_collector *collector, const char *key, const char *identifier);

/* Enabled, posting to `collector`, salt "test-salt", partial batches sent after 50 ms. */
mt_config *test_enabled_config(const mt_test_collector *collector);

/* Removes every variable the library reads, so the test sees the documented defaults. */
void test_clear_telemetry_env(void);

/* Threads of this process, counted in /proc/self/task. */
int test_thread_count(void);

/* Waits up to `timeout_ms` for the thread count to become `expected`; returns the last count. */
int test_wait_thread_count(int expected, int timeout_ms);

/* Milliseconds on the monotonic clock. */
double test_now_ms(void);

void test_sleep_ms(int milliseconds);

/* Factor for every time limit a test asserts: 1, or MT_TEST_TIME_SCALE when a slow tool such as
 * valgrind runs the program (test.sh sets it), so that limits catch hangs, not tool overhead. */
double test_time_scale(void);

#endif /* MT_TEST_SUPPORT_H */

#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <dirent.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

void check_sent(mt_test_collector *collector, const char *needle, bool wanted, const char *file,
                int line) {
  bool found = collector_bodies_containing(collector, needle) > 0;
  if (found == wanted) {
    return;
  }
  fprintf(stderr, "%s:%d: %s was %s\n", file, line, needle,
          wanted ? "not sent, but should have been" : "sent, but must not be");
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    fprintf(stderr, "  body %zu: %s\n", index, collector_body(collector, index));
  }
  exit(1);
}

void check_sent_hash(mt_test_collector *collector, const char *key, const char *identifier) {
  char *hash = mt_hash_identifier("test-salt", identifier);
  CHECK(hash != NULL);
  char field[160];
  snprintf(field, sizeof field, "\"%s\":\"%s\"", key, hash);
  mt_string_free(hash);
  CHECK_SENT(collector, field);
}

mt_config *test_enabled_config(const mt_test_collector *collector) {
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_enabled(config, true), MT_OK);
  CHECK_STATUS(mt_config_set_endpoint(config, collector_endpoint(collector)), MT_OK);
  CHECK_STATUS(mt_config_set_salt(config, "test-salt"), MT_OK);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 50), MT_OK);
  return config;
}

void test_clear_telemetry_env(void) {
  static const char *const names[] = {
      "TELEMETRY_ENABLED",         "DO_NOT_TRACK",         "TELEMETRY_ENDPOINT",
      "TELEMETRY_TIMEOUT",         "TELEMETRY_BATCH_SIZE", "TELEMETRY_RETRY_ATTEMPTS",
      "TELEMETRY_RETRY_BACKOFF",   "TELEMETRY_SALT",       "TELEMETRY_SALT_FILE",
      "TELEMETRY_FLUSH_INTERVAL_MS", "TELEMETRY_QUEUE_CAPACITY", "TELEMETRY_ERROR_DETAIL",
      "TELEMETRY_APP",
  };
  for (size_t index = 0; index < sizeof names / sizeof names[0]; index++) {
    CHECK(unsetenv(names[index]) == 0);
  }
  /* Recorded choices come from a file of this test alone (absent until a test records one),
   * never from the developer's own ~/.config/mycelium/telemetry_consent.json. */
  char consent_file[128];
  snprintf(consent_file, sizeof consent_file, "/tmp/mt-c-test-consent-%ld/telemetry_consent.json",
           (long)getpid());
  CHECK(setenv("TELEMETRY_CONSENT_FILE", consent_file, 1) == 0);
}

int test_thread_count(void) {
  DIR *tasks = opendir("/proc/self/task");
  CHECK(tasks != NULL);
  int count = 0;
  for (struct dirent *entry = readdir(tasks); entry != NULL; entry = readdir(tasks)) {
    if (entry->d_name[0] != '.') {
      count++;
    }
  }
  closedir(tasks);
  return count;
}

int test_wait_thread_count(int expected, int timeout_ms) {
  double deadline = test_now_ms() + timeout_ms;
  int count = test_thread_count();
  while (count != expected && test_now_ms() < deadline) {
    test_sleep_ms(10);
    count = test_thread_count();
  }
  return count;
}

double test_now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

void test_sleep_ms(int milliseconds) {
  struct timespec pause = {.tv_sec = milliseconds / 1000,
                           .tv_nsec = (long)(milliseconds % 1000) * 1000000L};
  while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
  }
}

double test_time_scale(void) {
  const char *text = getenv("MT_TEST_TIME_SCALE");
  if (text == NULL || text[0] == '\0') {
    return 1.0;
  }
  char *end;
  double scale = strtod(text, &end);
  /* A typo must not silently turn every limit off (or make it impossible to meet). */
  if (*end != '\0' || !(scale >= 1.0 && scale <= 1000.0)) {
    fprintf(stderr, "MT_TEST_TIME_SCALE=%s: expected a number from 1 to 1000\n", text);
    exit(2);
  }
  return scale;
}

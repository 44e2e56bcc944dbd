/* Off unless the user said yes: with nothing set the library starts no thread and sends nothing,
 * DO_NOT_TRACK wins over TELEMETRY_ENABLED, and (so that these checks mean something) an
 * enabled client does start exactly one thread and does send. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>

#include "test_support.h"

static void check_disabled(mt_client *client) {
  CHECK(client != NULL);
  CHECK(!mt_client_is_enabled(client));
  /* A disabled client does not even look at its input: every call is a cheap MT_OK. */
  CHECK_STATUS(mt_track_agent_usage(client, "alice@example.com", "op", "{\"duration_ms\":1}"),
               MT_OK);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", "not json"), MT_OK);
  CHECK_STATUS(mt_track_performance(client, "metric", NAN, NULL, NULL), MT_OK);
  CHECK_STATUS(mt_track_error(client, "type", "message", NULL, NULL), MT_OK);
  CHECK_STATUS(mt_track_system_info(client), MT_OK);
  CHECK_STATUS(mt_flush(client, 1000), MT_OK);
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == 0 && stats.sent == 0 && stats.failed == 0 && stats.batches_sent == 0);
}

/* Nothing set at all: no collector either, so the process must stay single-threaded. */
static void nothing_set(void) {
  CHECK(test_thread_count() == 1);

  mt_client *from_env = mt_client_new(NULL);
  check_disabled(from_env);
  CHECK(test_thread_count() == 1);
  mt_shutdown(from_env, 1000);

  mt_config *config = mt_config_from_env();
  CHECK(config != NULL);
  mt_client *from_config = mt_client_new(config);
  mt_config_free(config);
  check_disabled(from_config);
  mt_shutdown(from_config, 1000);

  mt_config *defaults = mt_config_new();
  CHECK(defaults != NULL);
  mt_client *from_defaults = mt_client_new(defaults);
  mt_config_free(defaults);
  check_disabled(from_defaults);
  mt_shutdown(from_defaults, 1000);

  check_disabled(mt_global());
  CHECK(test_thread_count() == 1);
}

static void check_env_client_stays_quiet(mt_test_collector *collector, int baseline_threads) {
  mt_client *client = mt_client_new(NULL);
  check_disabled(client);
  CHECK(test_thread_count() == baseline_threads);
  /* Shutdown sends whatever an enabled client queued before it returns, so an empty collector
   * right after it means nothing was ever going to be sent. */
  mt_shutdown(client, 1000);
  CHECK(collector_count(collector) == 0);
}

int main(void) {
  test_clear_telemetry_env();
  nothing_set();

  mt_test_collector *collector = collector_start_reference(NULL);
  int baseline_threads = test_thread_count();
  CHECK(setenv("TELEMETRY_ENDPOINT", collector_endpoint(collector), 1) == 0);
  CHECK(setenv("TELEMETRY_FLUSH_INTERVAL_MS", "50", 1) == 0);
  /* A salt from the environment keeps the test from creating a salt file in $HOME. */
  CHECK(setenv("TELEMETRY_SALT", "test-salt", 1) == 0);

  /* Everything configured except the consent itself. */
  check_env_client_stays_quiet(collector, baseline_threads);

  static const char *const refusals[] = {"1", "true", "yes"};
  static const char *const consents[] = {"1", "true", "yes", "on", "TRUE"};
  for (size_t index = 0; index < sizeof consents / sizeof consents[0]; index++) {
    CHECK(setenv("TELEMETRY_ENABLED", consents[index], 1) == 0);
    for (size_t refusal = 0; refusal < sizeof refusals / sizeof refusals[0]; refusal++) {
      CHECK(setenv("DO_NOT_TRACK", refusals[refusal], 1) == 0);
      check_env_client_stays_quiet(collector, baseline_threads);
    }
  }
  CHECK(setenv("TELEMETRY_ENABLED", "no", 1) == 0);
  CHECK(unsetenv("DO_NOT_TRACK") == 0);
  check_env_client_stays_quiet(collector, baseline_threads);

  /* The control: consent given and DO_NOT_TRACK=0 (which means "tracking allowed"). */
  CHECK(setenv("TELEMETRY_ENABLED", "1", 1) == 0);
  CHECK(setenv("DO_NOT_TRACK", "0", 1) == 0);
  mt_client *enabled = mt_client_new(NULL);
  CHECK(enabled != NULL);
  CHECK(mt_client_is_enabled(enabled));
  CHECK(test_thread_count() == baseline_threads + 1);
  CHECK_STATUS(mt_track_agent_usage(enabled, "agent", "control", NULL), MT_OK);
  CHECK_STATUS(mt_flush(enabled, 10000), MT_OK);
  CHECK(collector_count(collector) == 1);
  CHECK_SENT(collector, "\"operation\":\"control\"");
  mt_shutdown(enabled, 2000);
  /* The sender was joined, so its thread is gone (the kernel may take a moment to reap it). */
  CHECK(test_wait_thread_count(baseline_threads, 2000) == baseline_threads);

  collector_stop(collector);
  CHECK(test_wait_thread_count(1, 2000) == 1);
  puts("disabled by default: ok");
  return 0;
}

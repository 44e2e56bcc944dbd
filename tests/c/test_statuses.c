/* Every way a host can get a call wrong gets its documented status (or NULL, or false), never a
 * crash, and nothing refused is queued. */
#include <math.h>

#include "test_support.h"

#define INVALID_UTF8 "\xff\xfe"

static void log_to_nowhere(int level, const char *message, void *user_data) {
  (void)level;
  (void)message;
  (void)user_data;
}

static void null_arguments(mt_client *client) {
  mt_stats stats;
  CHECK(!mt_client_is_enabled(NULL));
  CHECK_STATUS(mt_track_agent_usage(NULL, "agent", "op", NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_agent_usage(client, NULL, "op", NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_performance(NULL, "metric", 1.0, NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_performance(client, NULL, 1.0, NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(NULL, "type", "message", NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(client, NULL, "message", NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(client, "type", NULL, NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_system_info(NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_flush(NULL, 10), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_client_stats(NULL, &stats), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_client_stats(client, NULL), MT_ERR_NULL_ARGUMENT);
  mt_shutdown(NULL, 10);

  CHECK_STATUS(mt_config_set_enabled(NULL, true), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_endpoint(NULL, "https://example.com"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_timeout_secs(NULL, 5), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_batch_size(NULL, 10), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_retry_attempts(NULL, 1), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_retry_backoff(NULL, 2.0), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt(NULL, "salt"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt_file(NULL, "/tmp/salt"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_flush_interval_ms(NULL, 100), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_queue_capacity(NULL, 100), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_log_callback(NULL, log_to_nowhere, NULL), MT_ERR_NULL_ARGUMENT);
  mt_config_free(NULL);

  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_endpoint(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt_file(config, NULL), MT_ERR_NULL_ARGUMENT);
  /* A NULL callback is not a mistake: it restores stderr. */
  CHECK_STATUS(mt_config_set_log_callback(config, NULL, NULL), MT_OK);
  mt_config_free(config);

  CHECK(mt_hash_identifier(NULL, "id") == NULL);
  CHECK(mt_hash_identifier("salt", NULL) == NULL);
  CHECK(mt_anonymize_path(NULL) == NULL);
  CHECK(mt_anonymize_message(NULL) == NULL);
  CHECK(mt_anonymize_stack_trace(NULL) == NULL);
  mt_string_free(NULL);
  CHECK_STATUS(mt_set_runtime(NULL), MT_ERR_NULL_ARGUMENT);
}

static void invalid_utf8(mt_client *client) {
  CHECK_STATUS(mt_track_agent_usage(client, INVALID_UTF8, "op", NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", INVALID_UTF8, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", INVALID_UTF8), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, INVALID_UTF8, 1.0, NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, "metric", 1.0, INVALID_UTF8, NULL),
               MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, "metric", 1.0, NULL, INVALID_UTF8),
               MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, INVALID_UTF8, "message", NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", INVALID_UTF8, NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", "message", INVALID_UTF8, NULL),
               MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", "message", NULL, INVALID_UTF8),
               MT_ERR_INVALID_UTF8);

  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_endpoint(config, INVALID_UTF8), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_salt(config, INVALID_UTF8), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_salt_file(config, INVALID_UTF8), MT_ERR_INVALID_UTF8);
  mt_config_free(config);

  CHECK(mt_hash_identifier(INVALID_UTF8, "id") == NULL);
  CHECK(mt_hash_identifier("salt", INVALID_UTF8) == NULL);
  CHECK(mt_anonymize_path(INVALID_UTF8) == NULL);
  CHECK(mt_anonymize_message(INVALID_UTF8) == NULL);
  CHECK(mt_anonymize_stack_trace(INVALID_UTF8) == NULL);
  CHECK_STATUS(mt_set_runtime(INVALID_UTF8), MT_ERR_INVALID_UTF8);
}

static void invalid_json_and_values(mt_client *client) {
  static const char *const not_one_object[] = {"[1,2]", "{", "", "null", "\"text\"", "{} {}"};
  for (size_t index = 0; index < sizeof not_one_object / sizeof not_one_object[0]; index++) {
    const char *json = not_one_object[index];
    CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", json), MT_ERR_INVALID_JSON);
    CHECK_STATUS(mt_track_performance(client, "metric", 1.0, NULL, json), MT_ERR_INVALID_JSON);
    CHECK_STATUS(mt_track_error(client, "type", "message", NULL, json), MT_ERR_INVALID_JSON);
  }
  CHECK_STATUS(mt_track_performance(client, "metric", NAN, NULL, NULL), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_track_performance(client, "metric", INFINITY, NULL, NULL),
               MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_track_performance(client, "metric", -INFINITY, NULL, NULL),
               MT_ERR_INVALID_ARGUMENT);

  CHECK_STATUS(mt_set_runtime(""), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_set_runtime("tab\tseparated"), MT_ERR_INVALID_ARGUMENT);
  char longest[65 + 1];
  memset(longest, 'x', sizeof longest - 1);
  longest[64] = '\0';
  CHECK_STATUS(mt_set_runtime(longest), MT_OK);
  longest[64] = 'x';
  longest[65] = '\0';
  CHECK_STATUS(mt_set_runtime(longest), MT_ERR_INVALID_ARGUMENT);
}

static void config_ranges(void) {
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  /* Each range is checked at both ends, inside and out, so an off-by-one cannot hide. */
  CHECK_STATUS(mt_config_set_timeout_secs(config, 0), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 1), MT_OK);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 30), MT_OK);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 31), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_batch_size(config, 0), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_batch_size(config, 1), MT_OK);
  CHECK_STATUS(mt_config_set_batch_size(config, 1000), MT_OK);
  CHECK_STATUS(mt_config_set_batch_size(config, 1001), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_retry_attempts(config, 0), MT_OK);
  CHECK_STATUS(mt_config_set_retry_attempts(config, 10), MT_OK);
  CHECK_STATUS(mt_config_set_retry_attempts(config, 11), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_retry_backoff(config, 0.99), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_retry_backoff(config, 1.0), MT_OK);
  CHECK_STATUS(mt_config_set_retry_backoff(config, 10.0), MT_OK);
  CHECK_STATUS(mt_config_set_retry_backoff(config, 10.01), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_retry_backoff(config, NAN), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_retry_backoff(config, INFINITY), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 9), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 10), MT_OK);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 3600000), MT_OK);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 3600001), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_queue_capacity(config, 0), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_queue_capacity(config, 1), MT_OK);
  CHECK_STATUS(mt_config_set_queue_capacity(config, 1000000), MT_OK);
  CHECK_STATUS(mt_config_set_queue_capacity(config, 1000001), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_salt(config, ""), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_salt_file(config, ""), MT_ERR_INVALID_CONFIG_VALUE);

  static const char *const refused_endpoints[] = {
      "http://example.com/v1/events",    /* plain http off loopback */
      "https://user:pw@example.com/x",   /* credentials in the URL */
      "ftp://127.0.0.1/x",               /* not http(s) */
      "https://example.com:0/x",         /* port 0 */
      "",                                /* nothing */
      "https://exa mple.com/",           /* whitespace */
  };
  for (size_t index = 0; index < sizeof refused_endpoints / sizeof refused_endpoints[0];
       index++) {
    CHECK_STATUS(mt_config_set_endpoint(config, refused_endpoints[index]),
                 MT_ERR_INVALID_CONFIG_VALUE);
  }
  CHECK_STATUS(mt_config_set_endpoint(config, "http://localhost:8080/v1/events"), MT_OK);
  CHECK_STATUS(mt_config_set_endpoint(config, "http://[::1]:8080/v1/events"), MT_OK);
  CHECK_STATUS(mt_config_set_endpoint(config, "collector.example.com/v1/events"), MT_OK);
  mt_config_free(config);
}

static void status_messages(void) {
  static const int statuses[] = {
      MT_OK, MT_ERR_NULL_ARGUMENT, MT_ERR_INVALID_UTF8, MT_ERR_INVALID_JSON,
      MT_ERR_INVALID_ARGUMENT, MT_ERR_INVALID_CONFIG_VALUE, MT_ERR_SHUT_DOWN, MT_ERR_TIMEOUT,
      MT_ERR_INTERNAL,
  };
  const char *unknown = mt_status_message(12345);
  CHECK(unknown != NULL && unknown[0] != '\0');
  CHECK(mt_status_message(-1) != NULL);
  for (size_t index = 0; index < sizeof statuses / sizeof statuses[0]; index++) {
    const char *message = mt_status_message(statuses[index]);
    CHECK(message != NULL && message[0] != '\0');
    CHECK(strcmp(message, unknown) != 0);
  }
}

/* Shutting one client down leaves another working, and the global client refuses calls once
 * it is shut down without ever being freed. */
static void lifecycle(mt_client *client, mt_test_collector *collector) {
  mt_config *config = test_enabled_config(collector);
  mt_client *other = mt_client_new(config);
  mt_config_free(config);
  CHECK(other != NULL);
  CHECK_STATUS(mt_track_system_info(other), MT_OK);
  mt_shutdown(other, 2000);

  CHECK(mt_client_is_enabled(client));
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "after-other-shutdown", NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  CHECK_SENT(collector, "after-other-shutdown");

  mt_global_shutdown(1000);
  mt_client *global = mt_global();
  CHECK(global != NULL);
  CHECK(mt_global() == global);
  CHECK(!mt_client_is_enabled(global));
  CHECK_STATUS(mt_track_agent_usage(global, "agent", "op", NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_performance(global, "metric", 1.0, NULL, NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_error(global, "type", "message", NULL, NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_system_info(global), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_flush(global, 10), MT_ERR_SHUT_DOWN);
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(global, &stats), MT_OK);
  CHECK(stats.enqueued == 0);
  /* Shutting the global client down again, either way, is harmless and frees nothing. */
  mt_shutdown(global, 10);
  mt_global_shutdown(10);
  CHECK(mt_global() == global);
  CHECK_STATUS(mt_track_system_info(global), MT_ERR_SHUT_DOWN);
}

int main(void) {
  test_clear_telemetry_env();
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  /* Enabled, so that refusals come from validation, not from a disabled client ignoring all. */
  CHECK(mt_client_is_enabled(client));

  null_arguments(client);
  invalid_utf8(client);
  invalid_json_and_values(client);
  config_ranges();
  status_messages();

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == 0);
  CHECK_STATUS(mt_flush(client, 1000), MT_OK);
  CHECK(collector_count(collector) == 0);

  lifecycle(client, collector);
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == 1);
  CHECK(stats.sent == 1);

  mt_shutdown(client, 2000);
  collector_stop(collector);
  puts("statuses and hostile input: ok");
  return 0;
}

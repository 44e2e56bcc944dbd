/* Every way a host can get a call wrong gets its documented status (or NULL, or false), never a
 * crash, and nothing refused is queued. NULL arguments have their own program,
 * test_null_arguments.c; oversized and deeply nested input is in test_hostile.c. */
#include <math.h>

#include "test_support.h"

/* Each is rejected by a different rule of UTF-8, so that a decoder that only checks one of
 * them (say, bytes above 0xF4) cannot pass. The valid text around some of them makes sure the
 * whole string is checked, not just its start. */
static const char *const invalid_utf8_strings[] = {
    "\xff\xfe",                 /* bytes that never occur in UTF-8 */
    "ok \x80 continuation",     /* continuation byte with no lead byte */
    "cut \xe2\x82",             /* sequence cut short by the end of the string */
    "\xc0\xaf",                 /* overlong encoding of '/' */
    "\xed\xa0\x80",             /* UTF-16 surrogate U+D800 */
    "\xf4\x90\x80\x80",         /* above U+10FFFF */
    "caf\xc3\x28",              /* lead byte followed by a non-continuation byte */
};

/* Invalid UTF-8 inside a JSON string value of metadata, tags or context. */
#define INVALID_UTF8_JSON "{\"status_code\":\"\xc3\x28\"}"

static void invalid_utf8_in_track_calls(mt_client *client, const char *bad) {
  CHECK_STATUS(mt_track_agent_usage(client, bad, "op", NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", bad, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, bad, 1.0, NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, "metric", 1.0, bad, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, "metric", 1.0, NULL, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, bad, "message", NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", bad, NULL, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", "message", bad, NULL), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", "message", NULL, bad), MT_ERR_INVALID_UTF8);
}

static void invalid_utf8_elsewhere(const char *bad) {
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_endpoint(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_salt(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_salt_file(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_allow_metadata_key(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_allow_metadata_field(config, bad, MT_VALUE_BOOLEAN), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_output_file(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_ca_file(config, bad), MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_config_set_token(config, bad), MT_ERR_INVALID_UTF8);
  mt_config_free(config);

  CHECK(mt_hash_identifier(bad, "id") == NULL);
  CHECK(mt_hash_identifier("salt", bad) == NULL);
  CHECK(mt_anonymize_path(bad) == NULL);
  CHECK(mt_anonymize_message(bad) == NULL);
  CHECK(mt_anonymize_stack_trace(bad) == NULL);
  CHECK_STATUS(mt_set_runtime(bad), MT_ERR_INVALID_UTF8);
}

static void invalid_utf8(mt_client *client) {
  for (size_t index = 0; index < sizeof invalid_utf8_strings / sizeof invalid_utf8_strings[0];
       index++) {
    invalid_utf8_in_track_calls(client, invalid_utf8_strings[index]);
    invalid_utf8_elsewhere(invalid_utf8_strings[index]);
  }
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", INVALID_UTF8_JSON),
               MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_performance(client, "metric", 1.0, NULL, INVALID_UTF8_JSON),
               MT_ERR_INVALID_UTF8);
  CHECK_STATUS(mt_track_error(client, "type", "message", NULL, INVALID_UTF8_JSON),
               MT_ERR_INVALID_UTF8);
}

static void invalid_json_and_values(mt_client *client) {
  static const char *const not_one_object[] = {
      "[1,2]", "[]", "null", "true", "42", "-1.5e3", "\"text\"", /* JSON, but not an object */
      "", "   ", "{", "{\"duration_ms\":", "{\"duration_ms\":1",  /* empty or cut short */
      "{} {}", "{}]", "{\"duration_ms\":1} trailing",          /* garbage after the object */
      "{duration_ms:1}", "{'duration_ms':1}", "{\"a\":1,}",     /* not JSON at all */
      "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":01}",        /* numbers JSON has no room for */
  };
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
  CHECK_STATUS(mt_config_set_token(config, ""), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_token(config, "two words"), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_token(config, "line\r\nX-Injected: 1"), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_token(config, "ingest-7Hq.x"), MT_OK);
  CHECK_STATUS(mt_config_set_spool_max_bytes(config, 0), MT_OK);
  CHECK_STATUS(mt_config_set_spool_max_bytes(config, 1073741824), MT_OK);
  CHECK_STATUS(mt_config_set_spool_max_bytes(config, 1073741825), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_spool_max_age_days(config, 0), MT_OK);
  CHECK_STATUS(mt_config_set_spool_max_age_days(config, 365), MT_OK);
  CHECK_STATUS(mt_config_set_spool_max_age_days(config, 366), MT_ERR_INVALID_CONFIG_VALUE);

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

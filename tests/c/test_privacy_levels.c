/* The typed metadata allowlist and the error detail levels, end to end: what a real collector
 * receives changes with mt_config_allow_metadata_field and mt_config_set_error_detail, and enum
 * values that are not members are refused with a status; TELEMETRY_ERROR_DETAIL is read from the
 * environment like every other variable. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#define PYTHON_TRACE                                                                       \
  "Traceback (most recent call last):\n"                                                   \
  "  File \"/home/alice/project/app.py\", line 42, in main\n"                              \
  "    connect(password='hunter2')\n"                                                      \
  "ValueError: bad input from alice@example.com"

/* One client at `detail`, one error event and two agent_usage events; returns the collector
 * holding what arrived (the caller stops it). */
static mt_test_collector *send_with(int detail) {
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_error_detail(config, detail), MT_OK);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "output_count",
                                              MT_VALUE_NON_NEGATIVE_INTEGER),
               MT_OK);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "streamed", MT_VALUE_BOOLEAN), MT_OK);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "model", MT_VALUE_ANY), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK_STATUS(mt_track_error(client, "ValueError", "bad input from alice@example.com",
                              PYTHON_TRACE, "{\"retry_count\": 1}"),
               MT_OK);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "right",
                                    "{\"output_count\": 7, \"streamed\": true, "
                                    "\"model\": \"m by alice@example.com\", \"status_code\": 201}"),
               MT_OK);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "wrong",
                                    "{\"output_count\": \"7\", \"streamed\": 1, "
                                    "\"duration_ms\": \"41 ms for alice\", \"status_code\": 42}"),
               MT_OK);
  CHECK_STATUS(mt_flush(client, (uint32_t)(5000 * test_time_scale())), MT_OK);
  mt_shutdown(client, 2000);
  return collector;
}

static void typed_keys(mt_test_collector *collector) {
  CHECK_SENT(collector, "\"operation\":\"right\",\"metadata\":{");
  CHECK_SENT(collector, "\"output_count\":7");
  CHECK_SENT(collector, "\"streamed\":true");
  CHECK_SENT(collector, "\"model\":\"m by <email>\"");
  CHECK_SENT(collector, "\"status_code\":201");
  /* Every value of the second event has the wrong type: no metadata at all. */
  CHECK_SENT(collector, "\"operation\":\"wrong\",\"timestamp\"");
  CHECK_NOT_SENT(collector, "\"7\"");
  CHECK_NOT_SENT(collector, "41 ms");
  CHECK_NOT_SENT(collector, "\"status_code\":42");
}

static void detail_levels(void) {
  mt_test_collector *full = send_with(MT_ERROR_DETAIL_FULL);
  typed_keys(full);
  CHECK_SENT(full, "\"error_message\":\"bad input from <email>\"");
  CHECK_SENT(full, "File \\\"<user>/project/app.py\\\", line 42, in main");
  CHECK_SENT(full, "\"context\":{\"retry_count\":1}");
  collector_stop(full);

  mt_test_collector *frames = send_with(MT_ERROR_DETAIL_FRAMES);
  typed_keys(frames);
  CHECK_SENT(frames, "\"error_type\":\"ValueError\",\"error_message\":\"\"");
  CHECK_SENT(frames, "\"stack_trace\":\"app.py:42 in main\"");
  CHECK_SENT(frames, "\"context\":{\"retry_count\":1}");
  CHECK_NOT_SENT(frames, "bad input");
  CHECK_NOT_SENT(frames, "hunter2");
  CHECK_NOT_SENT(frames, "project");
  collector_stop(frames);

  mt_test_collector *type_only = send_with(MT_ERROR_DETAIL_TYPE);
  typed_keys(type_only);
  CHECK_SENT(type_only, "\"error_type\":\"ValueError\",\"error_message\":\"\"");
  CHECK_NOT_SENT(type_only, "stack_trace");
  CHECK_NOT_SENT(type_only, "app.py");
  CHECK_SENT(type_only, "\"context\":{\"retry_count\":1}");
  collector_stop(type_only);
}

static void invalid_values(void) {
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  static const int not_value_types[] = {-1, 5, 100, 0x7fffffff, -0x7fffffff - 1};
  static const int not_details[] = {-1, 3, 100, 0x7fffffff, -0x7fffffff - 1};
  for (size_t index = 0; index < sizeof not_value_types / sizeof not_value_types[0]; index++) {
    CHECK_STATUS(mt_config_allow_metadata_field(config, "model", not_value_types[index]),
                 MT_ERR_INVALID_ARGUMENT);
  }
  for (size_t index = 0; index < sizeof not_details / sizeof not_details[0]; index++) {
    CHECK_STATUS(mt_config_set_error_detail(config, not_details[index]),
                 MT_ERR_INVALID_ARGUMENT);
  }
  /* Secret-looking, malformed, or retyping a built-in key. */
  CHECK_STATUS(mt_config_allow_metadata_field(config, "api_token", MT_VALUE_BOOLEAN),
               MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "", MT_VALUE_ANY),
               MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "has space", MT_VALUE_ANY),
               MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "status_code", MT_VALUE_BOOLEAN),
               MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "status_code", MT_VALUE_HTTP_STATUS_CODE),
               MT_OK);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "duration_ms", MT_VALUE_ANY), MT_OK);
  CHECK_STATUS(mt_config_allow_metadata_field(config, "cost", MT_VALUE_NON_NEGATIVE_NUMBER),
               MT_OK);
  CHECK_STATUS(mt_config_set_error_detail(config, MT_ERROR_DETAIL_TYPE), MT_OK);
  mt_config_free(config);
}

/* A refused detail value leaves the earlier setting in place. */
static void refused_detail_changes_nothing(void) {
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_error_detail(config, MT_ERROR_DETAIL_TYPE), MT_OK);
  CHECK_STATUS(mt_config_set_error_detail(config, 7), MT_ERR_INVALID_ARGUMENT);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK_STATUS(mt_track_error(client, "E", "message", PYTHON_TRACE, NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, (uint32_t)(5000 * test_time_scale())), MT_OK);
  mt_shutdown(client, 2000);
  CHECK_SENT(collector, "\"error_type\":\"E\",\"error_message\":\"\"");
  CHECK_NOT_SENT(collector, "stack_trace");
  collector_stop(collector);
}

/* TELEMETRY_ERROR_DETAIL is read like every other variable: a valid level applies, an invalid
 * one leaves telemetry disabled. */
static void from_the_environment(void) {
  mt_test_collector *collector = collector_start();
  test_clear_telemetry_env();
  CHECK(setenv("TELEMETRY_ENABLED", "1", 1) == 0);
  CHECK(setenv("TELEMETRY_ENDPOINT", collector_endpoint(collector), 1) == 0);
  CHECK(setenv("TELEMETRY_SALT", "test-salt", 1) == 0);
  CHECK(setenv("TELEMETRY_FLUSH_INTERVAL_MS", "50", 1) == 0);
  CHECK(setenv("TELEMETRY_ERROR_DETAIL", "Frames", 1) == 0);
  mt_config *config = mt_config_from_env();
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(mt_client_is_enabled(client));
  CHECK_STATUS(mt_track_error(client, "E", "message", PYTHON_TRACE, NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, (uint32_t)(5000 * test_time_scale())), MT_OK);
  mt_shutdown(client, 2000);
  CHECK_SENT(collector, "\"error_message\":\"\",\"stack_trace\":\"app.py:42 in main\"");

  CHECK(setenv("TELEMETRY_ERROR_DETAIL", "nothing", 1) == 0);
  config = mt_config_from_env();
  client = mt_client_new(config);
  mt_config_free(config);
  CHECK(!mt_client_is_enabled(client));
  mt_shutdown(client, 2000);
  test_clear_telemetry_env();
  collector_stop(collector);
}

/* mt_config_anonymize_event gives, byte for byte up to its timestamp, the event a client made
 * from the same config sends; a disabled config makes no difference, and bad events are NULL. */
static void anonymize_event_round_trip(void) {
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_error_detail(config, MT_ERROR_DETAIL_FRAMES), MT_OK);
  mt_client *client = mt_client_new(config);
  CHECK(client != NULL);
  CHECK_STATUS(mt_track_error(client, "ValueError", "bad input from alice@example.com",
                              PYTHON_TRACE, "{\"retry_count\": 1}"),
               MT_OK);
  CHECK_STATUS(mt_flush(client, (uint32_t)(5000 * test_time_scale())), MT_OK);
  mt_shutdown(client, 2000);

  CHECK_STATUS(mt_config_set_enabled(config, false), MT_OK);
  char *wire = mt_config_anonymize_event(
      config, "{\"event_type\": \"error\", \"error_type\": \"ValueError\", "
              "\"error_message\": \"bad input from alice@example.com\", "
              "\"stack_trace\": \"Traceback (most recent call last):\\n  File "
              "\\\"/home/alice/project/app.py\\\", line 42, in main\\n    "
              "connect(password='hunter2')\\nValueError: bad input from alice@example.com\", "
              "\"context\": {\"retry_count\": 1}}");
  CHECK(wire != NULL);
  char *timestamp = strstr(wire, ",\"timestamp\":");
  CHECK(timestamp != NULL);
  *timestamp = '\0';
  CHECK_SENT(collector, wire);
  CHECK(strstr(wire, "app.py:42 in main") != NULL && strstr(wire, "hunter2") == NULL);
  mt_string_free(wire);

  CHECK(mt_config_anonymize_event(config, "not json") == NULL);
  CHECK(mt_config_anonymize_event(config, "{\"event_type\": \"system_info\"}") == NULL);
  CHECK(mt_config_anonymize_event(config, "{\"event_type\": \"agent_usage\"}") == NULL);
  mt_config_free(config);

  mt_config *saltless = mt_config_new();
  CHECK(saltless != NULL);
  CHECK_STATUS(mt_config_set_salt_file(saltless, "/nonexistent/mycelium/telemetry_salt"), MT_OK);
  CHECK(mt_config_anonymize_event(
            saltless, "{\"event_type\": \"agent_usage\", \"agent_id\": \"a\", "
                      "\"operation\": \"run\"}") == NULL);
  mt_config_free(saltless);
  collector_stop(collector);
}

int main(void) {
  anonymize_event_round_trip();
  invalid_values();
  from_the_environment();
  detail_levels();
  refused_detail_changes_nothing();
  puts("privacy levels: ok");
  return 0;
}

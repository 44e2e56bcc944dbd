/*
 * NULL in every pointer parameter of every function in mycelium_telemetry.h, one parameter at a
 * time with every other argument valid, gets exactly what the header documents. A host binding
 * written in a hurry passes NULL sooner or later; none of these may crash or queue anything.
 * check_null_coverage.py (a ctest test) fails when the header gains a function or a pointer
 * parameter that this file does not pass NULL to.
 *
 *   function                        NULL parameter                    documented result
 *   mt_client_new                   config                            client from the environment
 *   mt_client_is_enabled            client                            false
 *   mt_track_agent_usage            client, agent_id, operation       MT_ERR_NULL_ARGUMENT
 *                                   metadata_json                     MT_OK, no metadata sent
 *   mt_track_performance            client, metric_name               MT_ERR_NULL_ARGUMENT
 *                                   unit, tags_json                   MT_OK, unit "ms", no tags
 *   mt_track_error                  client, error_type, error_message MT_ERR_NULL_ARGUMENT
 *                                   stack_trace, context_json         MT_OK, neither sent
 *   mt_track_system_info            client                            MT_ERR_NULL_ARGUMENT
 *   mt_flush                        client                            MT_ERR_NULL_ARGUMENT
 *   mt_client_stats                 client, out                       MT_ERR_NULL_ARGUMENT, out untouched
 *   mt_client_counter               client, out                       MT_ERR_NULL_ARGUMENT, out untouched
 *   mt_client_close                 client                            MT_ERR_NULL_ARGUMENT
 *   mt_client_free                  client                            nothing
 *   mt_client_free_nowait           client                            nothing
 *   mt_shutdown                     client                            MT_ERR_NULL_ARGUMENT
 *   mt_config_free                  config                            nothing
 *   every mt_config_set_*,
 *   mt_config_allow_metadata_key,
 *   mt_config_allow_metadata_field  config, and each string           MT_ERR_NULL_ARGUMENT
 *   mt_config_set_log_callback      callback                          MT_OK (restores stderr)
 *                                   user_data                         MT_OK (passed back as is)
 *   mt_config_anonymize_event       config, event_json                NULL
 *   mt_hash_identifier              salt, identifier                  NULL
 *   mt_anonymize_path/_message/_stack_trace                           NULL
 *   mt_string_free                  text                              nothing
 *   mt_set_runtime                  runtime                           MT_ERR_NULL_ARGUMENT
 *   mt_consent_get                  app_name                          the global default
 *                                   out                               MT_ERR_NULL_ARGUMENT
 *   mt_consent_set                  app_name                          the global default
 *   mt_consent_explain              config                            from the environment
 *                                   level_out, source_out             MT_ERR_NULL_ARGUMENT
 *   mt_global, mt_global_shutdown, mt_config_new, mt_config_from_env, mt_version,
 *   mt_status_message, mt_consent_notice, mt_consent_source_message
 *                                   no pointer parameter; the pointers they return are never NULL
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

static void log_to_nowhere(int level, const char *message, void *user_data) {
  (void)level;
  (void)message;
  (void)user_data;
}

static uint64_t enqueued(const mt_client *client) {
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  return stats.enqueued;
}

/* Required pointers are checked before anything else, so the result is the same whether the
 * client is enabled or disabled. */
static void refused_track_calls(mt_client *client) {
  uint64_t before = enqueued(client);
  CHECK_STATUS(mt_track_agent_usage(NULL, "agent", "op", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_agent_usage(client, NULL, "op", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", NULL, "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_performance(NULL, "metric", 1.0, "s", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_performance(client, NULL, 1.0, "s", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(NULL, "type", "message", "trace", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(client, NULL, "message", "trace", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_error(client, "type", NULL, "trace", "{}"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_track_system_info(NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_flush(NULL, 10), MT_ERR_NULL_ARGUMENT);
  CHECK(!mt_client_is_enabled(NULL));
  CHECK(enqueued(client) == before);

  mt_stats untouched;
  memset(&untouched, 0xab, sizeof untouched);
  mt_stats copy = untouched;
  CHECK_STATUS(mt_client_stats(NULL, &copy), MT_ERR_NULL_ARGUMENT);
  CHECK(memcmp(&copy, &untouched, sizeof copy) == 0);
  CHECK_STATUS(mt_client_stats(client, NULL), MT_ERR_NULL_ARGUMENT);

  uint64_t counter = 0xabababababababab;
  CHECK_STATUS(mt_client_counter(NULL, MT_COUNTER_SENT, &counter), MT_ERR_NULL_ARGUMENT);
  CHECK(counter == 0xabababababababab);
  CHECK_STATUS(mt_client_counter(client, MT_COUNTER_SENT, NULL), MT_ERR_NULL_ARGUMENT);
}

/* The optional parameters: each accepted, queued, and sent with its documented default. */
static void optional_parameters(mt_client *client, mt_test_collector *collector) {
  uint64_t before = enqueued(client);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "no-metadata", NULL), MT_OK);
  CHECK_STATUS(mt_track_performance(client, "no-unit", 1.0, NULL, "{\"region\":\"eu\"}"), MT_OK);
  CHECK_STATUS(mt_track_performance(client, "no-tags", 2.0, "s", NULL), MT_OK);
  CHECK_STATUS(mt_track_error(client, "NoTrace", "message", NULL, "{\"retry_count\":1}"), MT_OK);
  CHECK_STATUS(mt_track_error(client, "NoContext", "message", "trace line", NULL), MT_OK);
  CHECK(enqueued(client) == before + 5);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);

  CHECK_SENT(collector, "\"operation\":\"no-metadata\"");
  CHECK_SENT(collector, "\"metric_name\":\"no-unit\"");
  CHECK_SENT(collector, "\"unit\":\"ms\"");
  CHECK_SENT(collector, "\"metric_name\":\"no-tags\"");
  CHECK_SENT(collector, "\"error_type\":\"NoTrace\"");
  CHECK_SENT(collector, "\"error_type\":\"NoContext\"");
  /* Exactly one event of each kind was given what the other left out. */
  CHECK(collector_occurrences(collector, "\"metadata\":") == 0);
  CHECK(collector_occurrences(collector, "\"tags\":") == 1);
  CHECK(collector_occurrences(collector, "\"stack_trace\":") == 1);
  CHECK(collector_occurrences(collector, "\"context\":") == 1);
}

static void config_setters(void) {
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
  CHECK_STATUS(mt_config_allow_metadata_key(NULL, "model"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_allow_metadata_field(NULL, "model", MT_VALUE_BOOLEAN),
               MT_ERR_NULL_ARGUMENT);
  /* NULL comes first: an invalid enum value with a NULL pointer is still a NULL argument. */
  CHECK_STATUS(mt_config_allow_metadata_field(NULL, "model", 99), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_error_detail(NULL, MT_ERROR_DETAIL_FRAMES), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_error_detail(NULL, 99), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_protocol(NULL, MT_PROTOCOL_OTLP), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_protocol(NULL, 99), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_output_file(NULL, "/tmp/telemetry.jsonl"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_debug(NULL, true), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_ca_file(NULL, "/etc/ssl/certs/ca-certificates.crt"),
               MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_app_name(NULL, "tool"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_token(NULL, "token"), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_spool_max_bytes(NULL, 1000), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_spool_max_age_days(NULL, 1), MT_ERR_NULL_ARGUMENT);
  mt_config_free(NULL);

  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_endpoint(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_salt_file(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_allow_metadata_key(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_allow_metadata_field(config, NULL, MT_VALUE_ANY), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_output_file(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_ca_file(config, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_config_set_app_name(config, NULL), MT_ERR_NULL_ARGUMENT);
  /* Not mistakes: a NULL token clears it, a NULL callback restores stderr, and user_data is
   * only passed back. */
  CHECK_STATUS(mt_config_set_token(config, NULL), MT_OK);
  CHECK_STATUS(mt_config_set_log_callback(config, NULL, config), MT_OK);
  CHECK_STATUS(mt_config_set_log_callback(config, log_to_nowhere, NULL), MT_OK);
  mt_config_free(config);

  config = mt_config_from_env();
  CHECK(config != NULL);
  mt_config_free(config);
}

static void process_functions(void) {
  mt_config *salted = mt_config_new();
  CHECK(salted != NULL);
  CHECK_STATUS(mt_config_set_salt(salted, "salt"), MT_OK);
  CHECK(mt_config_anonymize_event(NULL, "{\"event_type\": \"error\", \"error_type\": \"E\", "
                                        "\"error_message\": \"m\"}") == NULL);
  CHECK(mt_config_anonymize_event(salted, NULL) == NULL);
  mt_config_free(salted);
  CHECK(mt_hash_identifier(NULL, "id") == NULL);
  CHECK(mt_hash_identifier("salt", NULL) == NULL);
  CHECK(mt_anonymize_path(NULL) == NULL);
  CHECK(mt_anonymize_message(NULL) == NULL);
  CHECK(mt_anonymize_stack_trace(NULL) == NULL);
  mt_string_free(NULL);
  CHECK_STATUS(mt_set_runtime(NULL), MT_ERR_NULL_ARGUMENT);
  CHECK(mt_version() != NULL);
  CHECK(mt_status_message(MT_ERR_NULL_ARGUMENT) != NULL);
  /* A NULL application name means the global default, not a mistake; a NULL out is. An invalid
   * level is refused before the file is touched, so this writes nothing. */
  CHECK_STATUS(mt_consent_get(NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_consent_set(NULL, 99), MT_ERR_INVALID_ARGUMENT);
  CHECK(mt_consent_notice() != NULL);
  /* A NULL config means the environment, as for mt_client_new; NULL outputs are mistakes. */
  mt_consent level = MT_CONSENT_UNDECIDED;
  mt_consent_source source = MT_CONSENT_SOURCE_DEFAULT;
  CHECK_STATUS(mt_consent_explain(NULL, NULL, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_consent_explain(NULL, &level, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_consent_explain(NULL, NULL, &source), MT_ERR_NULL_ARGUMENT);
  CHECK(level == MT_CONSENT_UNDECIDED);
  CHECK(mt_consent_source_message(0) != NULL);
}

/* NULL config means "from the environment", not "disabled": with consent in the environment the
 * client it gives is enabled. */
static void client_from_environment(mt_test_collector *collector) {
  mt_client *disabled = mt_client_new(NULL);
  CHECK(disabled != NULL);
  CHECK(!mt_client_is_enabled(disabled));
  refused_track_calls(disabled);
  mt_shutdown(disabled, 1000);

  CHECK(setenv("TELEMETRY_ENABLED", "1", 1) == 0);
  CHECK(setenv("TELEMETRY_ENDPOINT", collector_endpoint(collector), 1) == 0);
  CHECK(setenv("TELEMETRY_SALT", "test-salt", 1) == 0);
  mt_client *from_env = mt_client_new(NULL);
  CHECK(from_env != NULL);
  CHECK(mt_client_is_enabled(from_env));
  mt_shutdown(from_env, 1000);
  test_clear_telemetry_env();
}

int main(void) {
  test_clear_telemetry_env();
  mt_test_collector *collector = collector_start();

  client_from_environment(collector);
  config_setters();
  process_functions();

  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  /* Enabled, so that a refusal comes from the NULL check, not from a client ignoring input. */
  CHECK(mt_client_is_enabled(client));
  refused_track_calls(client);
  CHECK(enqueued(client) == 0);
  optional_parameters(client, collector);
  mt_shutdown(client, 2000);
  CHECK_STATUS(mt_client_close(NULL, 10), MT_ERR_NULL_ARGUMENT);
  mt_client_free(NULL);
  mt_client_free_nowait(NULL, 10);
  CHECK_STATUS(mt_shutdown(NULL, 10), MT_ERR_NULL_ARGUMENT);

  /* The global client takes the same NULL checks (with nothing in the environment it is
   * disabled). Once it is shut down, either refusal is documented; neither may crash. */
  mt_client *global = mt_global();
  CHECK(global != NULL);
  refused_track_calls(global);
  mt_global_shutdown(1000);
  mt_status late = mt_track_agent_usage(global, NULL, "op", NULL);
  CHECK(late == MT_ERR_NULL_ARGUMENT || late == MT_ERR_SHUT_DOWN);

  collector_stop(collector);
  puts("NULL in every pointer parameter: ok");
  return 0;
}

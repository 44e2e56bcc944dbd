/* Everything a host does, against the reference collector: four kinds of events full of personal
 * data go in, and what it stores is in the wire format, with the personal data hashed or scrubbed.
 * The request itself (method, path, headers) is checked on the fault collector, which records
 * requests rather than stored batches. */
#include "test_support.h"

/* sha256("alice@example.com" + "test-salt"), computed once with Python's hashlib. */
#define ALICE_HASH "3226f6231ac5f91637090121edd8a2e6b99cf6aaad2d22713129098c0a765415"

/* One batch to the fault collector: the request line and headers the library sends, and a tag
 * named user_id hashed with the salt (the reference collector stores no identifier in tags). */
static void check_requests(void) {
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK_STATUS(mt_track_performance(client, "latency", 12.5, NULL, "{\"user_id\":\"alice\"}"),
               MT_OK);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  CHECK_STATUS(mt_shutdown(client, 2000), MT_OK);
  CHECK(collector_count(collector) == 1);
  char user_agent[64];
  snprintf(user_agent, sizeof user_agent, "mycelium-telemetry/%s", mt_version());
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    CHECK_STREQ(collector_method(collector, index), "POST");
    CHECK_STREQ(collector_path(collector, index), "/v1/events");
    CHECK_STREQ(collector_content_type(collector, index), "application/json");
    CHECK_STREQ(collector_user_agent(collector, index), user_agent);
    const char *body = collector_body(collector, index);
    CHECK(strncmp(body, "{", 1) == 0);
    CHECK(strstr(body, "\"version\":\"1.0\"") != NULL);
    CHECK(strstr(body, "\"events\":[") != NULL);
  }
  check_sent_hash(collector, "user_id", "alice");
  CHECK_NOT_SENT(collector, "alice");
  collector_stop(collector);
}

static void check_events(mt_test_collector *collector) {
  CHECK(collector_occurrences(collector, "\"event_type\":") == 4);

  CHECK_SENT(collector, "\"event_type\":\"agent_usage\"");
  CHECK_SENT(collector, "\"agent_id_hash\":\"" ALICE_HASH "\"");
  CHECK_SENT(collector, "\"operation\":\"summarize\"");
  /* Only the allowlisted key survives. */
  CHECK_SENT(collector, "\"metadata\":{\"duration_ms\":12}");

  CHECK_SENT(collector, "\"event_type\":\"performance\"");
  CHECK_SENT(collector, "\"metric_name\":\"latency\"");
  CHECK_SENT(collector, "\"value\":12.5");
  CHECK_SENT(collector, "\"unit\":\"ms\"");
  /* The library sends the hashed user_id (check_requests); the collector stores no identifier
   * in tags at all. */
  CHECK_SENT(collector, "\"user_id\":\"<secret>\"");
  CHECK_SENT(collector, "\"region\":\"eu\"");

  CHECK_SENT(collector, "\"event_type\":\"error\"");
  CHECK_SENT(collector, "\"error_type\":\"ConnectionError\"");
  CHECK_SENT(collector, "<user>/project/app.py");
  CHECK_SENT(collector, "<email>");
  CHECK_SENT(collector, "postgres://<user>:<password>@db/x");
  CHECK_SENT(collector, "File \\\"<user>/project/app.py\\\", line 42, in main");
  CHECK_SENT(collector, "\"context\":{\"retry_count\":2}");

  CHECK_SENT(collector, "\"event_type\":\"system_info\"");
  CHECK_SENT(collector, "\"platform\":\"Linux\"");
  char library_version[64];
  snprintf(library_version, sizeof library_version, "\"library_version\":\"%s\"", mt_version());
  CHECK_SENT(collector, library_version);

  CHECK_NOT_SENT(collector, "alice");
  CHECK_NOT_SENT(collector, "hunter2");
  CHECK_NOT_SENT(collector, "admin");
  CHECK_NOT_SENT(collector, "secret prompt");
  CHECK_NOT_SENT(collector, "prompt");
  CHECK_NOT_SENT(collector, "hostname");
  CHECK_NOT_SENT(collector, "test-salt");
}

int main(void) {
  char *hash = mt_hash_identifier("test-salt", "alice@example.com");
  CHECK_STREQ(hash, ALICE_HASH);
  mt_string_free(hash);

  mt_test_collector *collector = collector_start_reference(NULL);
  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  /* The client copied what it needs. */
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client));

  CHECK_STATUS(mt_track_agent_usage(client, "alice@example.com", "summarize",
                                    "{\"duration_ms\":12,\"prompt\":\"secret prompt\"}"),
               MT_OK);
  CHECK_STATUS(mt_track_performance(client, "latency", 12.5, NULL,
                                    "{\"user_id\":\"alice\",\"region\":\"eu\"}"),
               MT_OK);
  CHECK_STATUS(
      mt_track_error(client, "ConnectionError",
                     "cannot open /home/alice/project/app.py for alice@example.com "
                     "via postgres://admin:hunter2@db/x",
                     "Traceback (most recent call last):\n"
                     "  File \"/home/alice/project/app.py\", line 42, in main",
                     "{\"retry_count\":2,\"hostname\":\"alice-laptop\"}"),
      MT_OK);
  CHECK_STATUS(mt_track_system_info(client), MT_OK);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == 4);
  CHECK(stats.sent == 4);
  CHECK(stats.dropped == 0);
  CHECK(stats.failed == 0);
  CHECK(stats.batches_sent >= 1);
  /* The collector prints a batch before answering it, so after the flush all are here. */
  CHECK(collector_count(collector) == stats.batches_sent);
  /* Each counter read on its own (the way counters added after mt_stats are read) agrees. */
  const struct {
    mt_counter counter;
    uint64_t expected;
  } counters[] = {
      {MT_COUNTER_ENQUEUED, stats.enqueued}, {MT_COUNTER_SENT, stats.sent},
      {MT_COUNTER_DROPPED, stats.dropped},   {MT_COUNTER_FAILED, stats.failed},
      {MT_COUNTER_RETRIES, stats.retries},   {MT_COUNTER_BATCHES_SENT, stats.batches_sent},
      /* The spool's counters: this client has no app name, so no spool. */
      {MT_COUNTER_SPOOLED, 0},               {MT_COUNTER_REPLAYED, 0},
      {MT_COUNTER_SPOOL_DROPPED, 0},
  };
  for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++) {
    uint64_t value = 0;
    CHECK_STATUS(mt_client_counter(client, counters[i].counter, &value), MT_OK);
    CHECK(value == counters[i].expected);
  }
  uint64_t unknown = 7;
  CHECK_STATUS(mt_client_counter(client, 0, &unknown), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_client_counter(client, 1000, &unknown), MT_ERR_INVALID_ARGUMENT);
  CHECK(unknown == 7);

  check_events(collector);

  CHECK_STATUS(mt_shutdown(client, 2000), MT_OK);
  collector_stop(collector);
  check_requests();
  puts("end to end: ok");
  return 0;
}

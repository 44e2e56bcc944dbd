/* Sends one event of every type through the C API, configured by the environment
 * (mt_config_from_env: TELEMETRY_PROTOCOL=otlp, OTEL_EXPORTER_OTLP_*), with secrets and a home
 * path planted where the scrubber must catch them. tests/otel/test.sh runs it against a real
 * OpenTelemetry Collector and checks what the Collector wrote.
 *
 * Usage: send_events <expected sent> <expected failed> [record-on]
 * With `record-on`, the user's choice `on` is recorded first (mt_consent_set, in the consent file
 * under HOME), so that the choice decides and batches carry the installation id.
 * Prints the client's counters and exits 0 only when they are exactly as expected. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mycelium_telemetry.h"

static int check(enum mt_status status, const char *what) {
  if (status != MT_OK) {
    fprintf(stderr, "send_events: %s: %s\n", what, mt_status_message(status));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "record-on") != 0)) {
    fprintf(stderr, "usage: send_events <expected sent> <expected failed> [record-on]\n");
    return 2;
  }
  uint64_t want_sent = strtoull(argv[1], NULL, 10);
  uint64_t want_failed = strtoull(argv[2], NULL, 10);
  if (argc == 4) {
    if (check(mt_consent_set(NULL, MT_CONSENT_ON), "record on") != 0) return 1;
    /* The choice is recorded to the second, and events tracked before it stay local: start
     * tracking once that second has surely passed. */
    struct timespec pause = {1, 500000000L};
    nanosleep(&pause, NULL);
  }

  struct mt_config *config = mt_config_from_env();
  if (config == NULL) return 1;
  /* One batch for all four events: the test reads one request per run. */
  int failures = check(mt_config_set_flush_interval_ms(config, 60000), "flush interval");
  failures += check(mt_config_allow_metadata_field(config, "model", MT_VALUE_ANY), "allow model");
  struct mt_client *client = mt_client_new(config);
  mt_config_free(config);
  if (client == NULL || !mt_client_is_enabled(client)) {
    fprintf(stderr, "send_events: the client is not enabled\n");
    return 1;
  }
  failures += check(mt_track_agent_usage(client, "agent-planted-7f3e", "summarize",
                                         "{\"duration_ms\": 812, \"success\": true, "
                                         "\"model\": \"gpt at /home/planted-user/models/x.bin\", "
                                         "\"api_token\": \"planted-token-9d2c\"}"),
                    "agent_usage");
  failures += check(mt_track_performance(client, "latency", 41.5, "ms",
                                         "{\"region\": \"eu\", \"user_id\": \"planted-user-id\"}"),
                    "performance");
  failures += check(
      mt_track_error(client, "ValueError",
                     "cannot open /home/planted-user/secret/notes.txt for planted@example.com",
                     "Traceback (most recent call last):\n"
                     "  File \"/home/planted-user/project/app.py\", line 12, in main\n"
                     "ValueError: https://admin:planted-password@db.internal/x",
                     "{\"retry_count\": 2, \"password\": \"planted-password\"}"),
      "error");
  failures += check(mt_track_system_info(client), "system_info");
  /* The flush may end in a refusal (the wrong-key run): only the counters below decide. */
  mt_flush(client, 20000);

  struct mt_stats stats;
  failures += check(mt_client_stats(client, &stats), "stats");
  printf("enqueued=%" PRIu64 " sent=%" PRIu64 " failed=%" PRIu64 " dropped=%" PRIu64
         " retries=%" PRIu64 " batches_sent=%" PRIu64 "\n",
         stats.enqueued, stats.sent, stats.failed, stats.dropped, stats.retries,
         stats.batches_sent);
  mt_client_close(client, 5000);
  mt_client_free(client);
  if (stats.sent != want_sent || stats.failed != want_failed) {
    fprintf(stderr, "send_events: expected sent=%" PRIu64 " failed=%" PRIu64 "\n", want_sent,
            want_failed);
    return 1;
  }
  return failures == 0 ? 0 : 1;
}

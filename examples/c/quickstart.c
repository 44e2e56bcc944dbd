/* Quickstart: the whole life of a telemetry client in a C program.
 *
 * Telemetry stays off (every call below does nothing and no thread is started) unless the user
 * opted in:  TELEMETRY_ENABLED=1 ./mt_quickstart
 * DO_NOT_TRACK=1 always keeps it off. See include/mycelium_telemetry.h for every function.
 */
#include <mycelium_telemetry.h>
#include <stdio.h>

static void report(const char *call, mt_status status) {
  if (status != MT_OK) {
    fprintf(stderr, "%s: %s\n", call, mt_status_message(status));
  }
}

int main(void) {
  /* NULL: configured from the environment (TELEMETRY_ENABLED, TELEMETRY_ENDPOINT, ...). */
  mt_client *telemetry = mt_client_new(NULL);
  if (telemetry == NULL) {
    return 1;
  }
  printf("mycelium-telemetry %s, %s\n", mt_version(),
         mt_client_is_enabled(telemetry) ? "enabled" : "disabled");

  /* The agent id is hashed and only allowlisted metadata keys leave the process. */
  report("track_agent_usage",
         mt_track_agent_usage(telemetry, "research-agent", "summarize",
                              "{\"duration_ms\": 840, \"success\": true}"));
  report("track_performance",
         mt_track_performance(telemetry, "summarize_latency", 840.0, "ms", NULL));
  /* Paths, emails and URL credentials are scrubbed from messages and stack traces. */
  report("track_error", mt_track_error(telemetry, "TimeoutError",
                                       "upstream did not answer within 30 s", NULL, NULL));

  /* Sends what is queued (waiting at most 2 s, even if the collector never answers), stops the
   * sender thread and frees the client. */
  mt_shutdown(telemetry, 2000);
  return 0;
}

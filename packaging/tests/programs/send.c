/* Built against an installed package (pkg-config): one event of each type, configured from
 * TELEMETRY_* (packaging/tests/with_collector.py sets them), sent at shutdown. */
#include <mycelium_telemetry.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  /* The header the package installed and the library it loaded must be the same release. */
  char header[32];
  snprintf(header, sizeof header, "%d.%d.%d", MT_VERSION_MAJOR, MT_VERSION_MINOR, MT_VERSION_PATCH);
  if (strcmp(mt_version(), header) != 0) {
    fprintf(stderr, "library %s, header %s\n", mt_version(), header);
    return 1;
  }
  printf("%s\n", header);
  mt_config *config = mt_config_from_env();
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  if (!mt_client_is_enabled(client)) {
    fprintf(stderr, "the client is not enabled\n");
    return 1;
  }
  int failed = mt_track_agent_usage(client, "agent-7", "clean-install-c", "{\"duration_ms\": 41}") ||
               mt_track_performance(client, "latency", 12.5, "ms", NULL) ||
               mt_track_error(client, "IOError", "could not read /home/alice/x", NULL, NULL) ||
               mt_track_system_info(client);
  enum mt_status shut = mt_shutdown(client, 5000);
  return failed || shut != MT_OK;
}

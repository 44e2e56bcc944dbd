/* Compiled against the installed header alone; run with no TELEMETRY_* variable set. */
#include <mycelium_telemetry.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  char header_version[32];
  snprintf(header_version, sizeof header_version, "%d.%d.%d", MT_VERSION_MAJOR, MT_VERSION_MINOR,
           MT_VERSION_PATCH);
  if (strcmp(mt_version(), header_version) != 0) {
    fprintf(stderr, "consumer: library %s, header %s\n", mt_version(), header_version);
    return 1;
  }
  mt_client *client = mt_client_new(NULL);
  if (client == NULL || mt_client_is_enabled(client)) {
    fprintf(stderr, "consumer: expected a disabled client\n");
    return 1;
  }
  if (mt_track_agent_usage(client, "agent", "op", NULL) != MT_OK) {
    fprintf(stderr, "consumer: track failed on a disabled client\n");
    return 1;
  }
  mt_shutdown(client, 1000);
  printf("consumer: mycelium-telemetry %s, disabled client ok\n", mt_version());
  return 0;
}

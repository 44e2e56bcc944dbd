/*
 * Regression tests for library bugs the hostile-input tests found (both fixed): text cut before
 * scrubbing must still carry the truncation marker, and JSON accepted at the call must not be
 * dropped by the sender. ctest runs each as c.regression.<name>.
 *
 * Usage: test_regressions <name>
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#define TRUNCATION_MARKER "\xe2\x80\xa6[truncated]"

static mt_client *enabled_client(mt_test_collector *collector) {
  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client));
  return client;
}

static char *unbroken_text(size_t bytes) {
  char *text = malloc(bytes + 1);
  CHECK(text != NULL);
  memset(text, 'x', bytes);
  text[bytes] = '\0';
  return text;
}

/*
 * docs/privacy.md: "Longer text is cut on a UTF-8 boundary and ends with `…[truncated]`."
 * Text longer than four times its bound with no whitespace in it (a base64 blob, a long URL, a
 * minified JSON document in an error message, a generated operation name) arrives as "" with no
 * marker: limits::pre_cut cuts it back to the last whitespace, finds none and keeps nothing,
 * and limits::bounded then sees nothing to cut. The cut is invisible: the collector cannot tell
 * an empty message from a dropped one. Cutting to nothing is fine for privacy; the marker should
 * still be there.
 */
static void invisible_cut(mt_test_collector *collector) {
  mt_client *client = enabled_client(collector);
  char *message = unbroken_text(10u * 1024u * 1024u);
  char *operation = unbroken_text(600);
  CHECK_STATUS(mt_track_error(client, "UnbrokenMessage", message, NULL, NULL), MT_OK);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", operation, NULL), MT_OK);
  free(message);
  free(operation);
  CHECK_STATUS(mt_flush(client, 30000), MT_OK);
  mt_shutdown(client, 2000);

  CHECK_SENT(collector, "\"error_type\":\"UnbrokenMessage\"");
  CHECK_NOT_SENT(collector, "\"error_message\":\"\"");
  CHECK_NOT_SENT(collector, "\"operation\":\"\"");
  CHECK(collector_occurrences(collector, TRUNCATION_MARKER "\"") == 2);
}

/*
 * mt_track_* promise "nothing is queued unless it returns MT_OK" and MT_ERR_INVALID_JSON for
 * metadata that is not one JSON object. The check at the door (event::check_json_object, a
 * RawValue parse) is weaker than the parse on the sender thread (a Map<String, Value>): a
 * number out of a double's range (1e999) or a lone UTF-16 surrogate escape ("\ud800") passes
 * the door, the call returns MT_OK, and then the sender cannot parse the object and drops all of
 * it, allowlisted keys included, without a word. Either outcome would keep the promise: refuse
 * the call with MT_ERR_INVALID_JSON, or accept it and send what can be sent.
 */
static void json_accepted_then_dropped(mt_test_collector *collector) {
  static const char *const unrepresentable[] = {
      "{\"retry_count\":2,\"duration_ms\":1e999}",
      "{\"retry_count\":2,\"duration_ms\":-1e999}",
      "{\"retry_count\":2,\"status_code\":\"\\ud800\"}",
      "{\"retry_count\":2,\"status_code\":\"\\udc00\"}",
  };
  size_t count = sizeof unrepresentable / sizeof unrepresentable[0];
  mt_client *client = enabled_client(collector);
  size_t accepted = 0;
  for (size_t index = 0; index < count; index++) {
    int status = mt_track_agent_usage(client, "agent", "unrepresentable", unrepresentable[index]);
    CHECK(status == MT_OK || status == MT_ERR_INVALID_JSON);
    accepted += status == MT_OK;
    fprintf(stderr, "%s -> %s\n", unrepresentable[index], mt_status_message(status));
  }
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  mt_shutdown(client, 2000);
  /* Each accepted event must have kept its allowlisted retry_count. */
  CHECK(collector_occurrences(collector, "\"operation\":\"unrepresentable\"") == accepted);
  CHECK(collector_occurrences(collector, "\"retry_count\":2") == accepted);
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    void (*run)(mt_test_collector *collector);
  } bugs[] = {
      {"invisible_cut", invisible_cut},
      {"json_accepted_then_dropped", json_accepted_then_dropped},
  };
  test_clear_telemetry_env();
  for (size_t index = 0; argc == 2 && index < sizeof bugs / sizeof bugs[0]; index++) {
    if (strcmp(argv[1], bugs[index].name) == 0) {
      mt_test_collector *collector = collector_start();
      bugs[index].run(collector);
      collector_stop(collector);
      printf("%s: fixed\n", bugs[index].name);
      return 0;
    }
  }
  fprintf(stderr, "usage: %s <bug>, one of:", argv[0]);
  for (size_t index = 0; index < sizeof bugs / sizeof bugs[0]; index++) {
    fprintf(stderr, " %s", bugs[index].name);
  }
  fputc('\n', stderr);
  return 2;
}

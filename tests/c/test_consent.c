/* The recorded choice from C: levels round-trip through the consent file, unknown enum values
 * and bad application names are refused without changing anything, the file is private, a
 * recorded choice decides over the host's own mt_config_set_enabled, and mt_consent_explain
 * names the rule that decided, row by row, agreeing with what mt_client_new does. */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char consent_dir[128];
static char consent_file[192];

static mt_consent recorded(const char *app_name) {
  mt_consent level = (mt_consent)77;
  CHECK_STATUS(mt_consent_get(app_name, &level), MT_OK);
  return level;
}

static void round_trip(void) {
  CHECK(recorded(NULL) == MT_CONSENT_UNDECIDED);
  CHECK(recorded("tool") == MT_CONSENT_UNDECIDED);
  const mt_consent levels[] = {MT_CONSENT_ON, MT_CONSENT_LOCAL, MT_CONSENT_OFF};
  for (size_t index = 0; index < sizeof levels / sizeof levels[0]; index++) {
    CHECK_STATUS(mt_consent_set("tool", levels[index]), MT_OK);
    CHECK(recorded("tool") == levels[index]);
    CHECK(recorded(NULL) == MT_CONSENT_UNDECIDED);
  }
  CHECK_STATUS(mt_consent_set(NULL, MT_CONSENT_LOCAL), MT_OK);
  CHECK(recorded(NULL) == MT_CONSENT_LOCAL);
  CHECK(recorded("tool") == MT_CONSENT_OFF);
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_UNDECIDED), MT_OK);
  CHECK(recorded("tool") == MT_CONSENT_UNDECIDED);

  struct stat info;
  CHECK(lstat(consent_file, &info) == 0);
  CHECK(S_ISREG(info.st_mode));
  CHECK((info.st_mode & 0777) == 0600);
}

static void refusals(void) {
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_ON), MT_OK);
  CHECK_STATUS(mt_consent_set("tool", 4), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_consent_set("tool", -1), MT_ERR_INVALID_ARGUMENT);
  CHECK(recorded("tool") == MT_CONSENT_ON);
  CHECK_STATUS(mt_consent_set("../etc", MT_CONSENT_OFF), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_consent_set("", MT_CONSENT_OFF), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_consent_set("with space", MT_CONSENT_OFF), MT_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(mt_consent_set("\xff", MT_CONSENT_OFF), MT_ERR_INVALID_UTF8);
  mt_consent untouched = (mt_consent)77;
  CHECK_STATUS(mt_consent_get("../etc", &untouched), MT_ERR_INVALID_ARGUMENT);
  CHECK((int)untouched == 77);
  CHECK_STATUS(mt_consent_get("tool", NULL), MT_ERR_NULL_ARGUMENT);

  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_app_name(config, "my-tool_2.cli"), MT_OK);
  CHECK_STATUS(mt_config_set_app_name(config, "no/slash"), MT_ERR_INVALID_CONFIG_VALUE);
  CHECK_STATUS(mt_config_set_app_name(config, ".hidden"), MT_ERR_INVALID_CONFIG_VALUE);
  mt_config_free(config);

  const char *notice = mt_consent_notice();
  CHECK(notice != NULL && strstr(notice, "mycelium-telemetry") != NULL);
  CHECK(notice == mt_consent_notice());
}

/* What mt_consent_explain says for `config`; checks that a client made from it agrees. */
static void check_explained(const mt_config *config, mt_consent level, mt_consent_source source) {
  mt_consent level_out = (mt_consent)77;
  mt_consent_source source_out = (mt_consent_source)77;
  CHECK_STATUS(mt_consent_explain(config, &level_out, &source_out), MT_OK);
  CHECK((int)level_out == (int)level);
  CHECK((int)source_out == (int)source);
  /* A client is enabled for on and local (local records on this machine), off otherwise. */
  mt_client *client = mt_client_new(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client) == (level != MT_CONSENT_OFF));
  mt_shutdown(client, 1000);
}

static void explained(void) {
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_UNDECIDED), MT_OK);
  CHECK_STATUS(mt_consent_set(NULL, MT_CONSENT_UNDECIDED), MT_OK);
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_app_name(config, "tool"), MT_OK);
  /* Closed port: a client that does start never reaches a collector. */
  CHECK_STATUS(mt_config_set_endpoint(config, "http://127.0.0.1:9/v1/events"), MT_OK);

  check_explained(NULL, MT_CONSENT_OFF, MT_CONSENT_SOURCE_DEFAULT);        /* rule 5 */
  check_explained(config, MT_CONSENT_OFF, MT_CONSENT_SOURCE_DEFAULT);      /* rule 5 */
  CHECK_STATUS(mt_config_set_enabled(config, true), MT_OK);
  check_explained(config, MT_CONSENT_ON, MT_CONSENT_SOURCE_HOST);          /* rule 4 */
  CHECK_STATUS(mt_consent_set(NULL, MT_CONSENT_LOCAL), MT_OK);
  check_explained(config, MT_CONSENT_LOCAL, MT_CONSENT_SOURCE_GLOBAL_CHOICE); /* rule 3 */
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_OFF), MT_OK);
  check_explained(config, MT_CONSENT_OFF, MT_CONSENT_SOURCE_APP_CHOICE);   /* rule 3 */
  CHECK(setenv("TELEMETRY_ENABLED", "1", 1) == 0);
  check_explained(config, MT_CONSENT_ON, MT_CONSENT_SOURCE_TELEMETRY_ENABLED); /* rule 2 */
  CHECK(setenv("DO_NOT_TRACK", "1", 1) == 0);
  check_explained(config, MT_CONSENT_OFF, MT_CONSENT_SOURCE_DO_NOT_TRACK); /* rule 1 */
  CHECK(unsetenv("DO_NOT_TRACK") == 0);
  CHECK(unsetenv("TELEMETRY_ENABLED") == 0);
  /* NULL config is the environment alone: TELEMETRY_APP names the application. */
  check_explained(NULL, MT_CONSENT_LOCAL, MT_CONSENT_SOURCE_GLOBAL_CHOICE);
  CHECK(setenv("TELEMETRY_APP", "tool", 1) == 0);
  check_explained(NULL, MT_CONSENT_OFF, MT_CONSENT_SOURCE_APP_CHOICE);
  CHECK(unsetenv("TELEMETRY_APP") == 0);

  /* Outputs are required, and nothing is written when one is missing. */
  mt_consent level = (mt_consent)77;
  mt_consent_source source = (mt_consent_source)77;
  CHECK_STATUS(mt_consent_explain(config, NULL, &source), MT_ERR_NULL_ARGUMENT);
  CHECK_STATUS(mt_consent_explain(config, &level, NULL), MT_ERR_NULL_ARGUMENT);
  CHECK((int)level == 77 && (int)source == 77);
  mt_config_free(config);

  /* Each source has its own static message; other numbers are "unknown source". */
  for (int first = MT_CONSENT_SOURCE_DO_NOT_TRACK; first <= MT_CONSENT_SOURCE_DEFAULT; first++) {
    const char *message = mt_consent_source_message(first);
    CHECK(message != NULL && strstr(message, "(rule ") != NULL);
    CHECK(message == mt_consent_source_message(first));
    for (int second = first + 1; second <= MT_CONSENT_SOURCE_DEFAULT; second++) {
      CHECK(strcmp(message, mt_consent_source_message(second)) != 0);
    }
  }
  CHECK(strstr(mt_consent_source_message(MT_CONSENT_SOURCE_APP_CHOICE), "this application"));
  CHECK_STREQ(mt_consent_source_message(0), "unknown source");
  CHECK_STREQ(mt_consent_source_message(8), "unknown source");
  CHECK_STREQ(mt_consent_source_message(-1), "unknown source");
}

/* A link planted at the consent file's place is not written through, and not read: the client
 * is off, and mt_consent_explain says why. */
static void links(void) {
  char target[256];
  snprintf(target, sizeof target, "%s/elsewhere", consent_dir);
  FILE *planted = fopen(target, "w");
  CHECK(planted != NULL);
  fputs("keep\n", planted);
  fclose(planted);
  CHECK(unlink(consent_file) == 0);
  CHECK(symlink(target, consent_file) == 0);
  mt_consent level = (mt_consent)77;
  CHECK_STATUS(mt_consent_get(NULL, &level), MT_ERR_IO);
  mt_config *enabled = mt_config_new();
  CHECK(enabled != NULL);
  CHECK_STATUS(mt_config_set_enabled(enabled, true), MT_OK);
  check_explained(enabled, MT_CONSENT_OFF, MT_CONSENT_SOURCE_UNREADABLE_CHOICE);
  mt_config_free(enabled);
  CHECK_STATUS(mt_consent_set(NULL, MT_CONSENT_OFF), MT_OK);
  CHECK(recorded(NULL) == MT_CONSENT_OFF);
  char text[16] = {0};
  planted = fopen(target, "r");
  CHECK(planted != NULL);
  CHECK(fgets(text, sizeof text, planted) != NULL);
  fclose(planted);
  CHECK_STREQ(text, "keep\n");
  CHECK(unlink(target) == 0);
}

static bool file_contains(const char *path, const char *needle) {
  FILE *file = fopen(path, "r");
  if (file == NULL) {
    return false;
  }
  char text[8192] = {0};
  size_t length = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  text[length] = '\0';
  return strstr(text, needle) != NULL;
}

/* Rewrites the decision time recorded for `app` in the consent file (written by
 * mt_consent_set just before) to `at`, in the file's own "YYYY-MM-DDTHH:MM:SSZ" form. */
static void record_decision_time(const char *app, time_t at) {
  FILE *file = fopen(consent_file, "r");
  CHECK(file != NULL);
  char text[8192] = {0};
  size_t length = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  text[length] = '\0';
  char quoted_app[64];
  snprintf(quoted_app, sizeof quoted_app, "\"%s\"", app);
  char *entry = strstr(text, quoted_app);
  CHECK(entry != NULL);
  char *decided = strstr(entry, "\"decided_at\": \"");
  CHECK(decided != NULL);
  char *stamp = decided + strlen("\"decided_at\": \"");
  struct tm utc;
  CHECK(gmtime_r(&at, &utc) != NULL);
  char formatted[32];
  CHECK(strftime(formatted, sizeof formatted, "%Y-%m-%dT%H:%M:%SZ", &utc) == 20);
  CHECK(stamp[20] == '"');
  memcpy(stamp, formatted, 20);
  file = fopen(consent_file, "w");
  CHECK(file != NULL);
  CHECK(fwrite(text, 1, length, file) == length);
  CHECK(fclose(file) == 0);
}

/* The recorded choice comes before the host's own flag: "off" recorded for this app means no
 * client, whatever the host asked. After "on", events tracked before the moment of the choice
 * (kept to the second, rounded up) stay in the local record and are never uploaded. */
static void recorded_choice_decides(mt_test_collector *collector) {
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_OFF), MT_OK);
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_app_name(config, "tool"), MT_OK);
  mt_client *client = mt_client_new(config);
  CHECK(client != NULL);
  CHECK(!mt_client_is_enabled(client));
  mt_shutdown(client, 1000);

  /* "Before the choice" is measured against the recorded time, to the second. So that it does
   * not depend on how fast this run is (valgrind on a loaded machine takes over a second to
   * make a client), the recorded time is moved a few seconds ahead, as a user's choice made
   * just then would be, and the first event is tracked before it comes. */
  CHECK_STATUS(mt_consent_set("tool", MT_CONSENT_ON), MT_OK);
  time_t chosen_at = time(NULL) + 4;
  record_decision_time("tool", chosen_at);
  client = mt_client_new(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client));
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "before-the-choice", NULL), MT_OK);
  CHECK(time(NULL) < chosen_at);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  while (time(NULL) <= chosen_at) {
    struct timespec tick = {0, 100000000};
    nanosleep(&tick, NULL);
  }
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "consented", NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  mt_shutdown(client, 1000);
  CHECK(collector_bodies_containing(collector, "consented") == 1);
  char local_record[256];
  snprintf(local_record, sizeof local_record, "%s/mycelium/telemetry/app-tool.local.jsonl",
           consent_dir);
  CHECK(collector_bodies_containing(collector, "before-the-choice") == 0);
  CHECK(file_contains(local_record, "before-the-choice"));
  char sent_log[256];
  snprintf(sent_log, sizeof sent_log, "%s/mycelium/telemetry/app-tool.sent.jsonl", consent_dir);
  CHECK(file_contains(sent_log, "consented"));
  CHECK(!file_contains(sent_log, "before-the-choice"));
  CHECK(unlink(local_record) == 0);
  CHECK(unlink(sent_log) == 0);
  mt_config_free(config);
}

int main(void) {
  test_clear_telemetry_env();
  snprintf(consent_dir, sizeof consent_dir, "/tmp/mt-c-consent-%ld", (long)getpid());
  snprintf(consent_file, sizeof consent_file, "%s/telemetry_consent.json", consent_dir);
  CHECK(setenv("TELEMETRY_CONSENT_FILE", consent_file, 1) == 0);
  CHECK(setenv("XDG_STATE_HOME", consent_dir, 1) == 0);

  round_trip();
  refusals();
  explained();
  links();
  mt_test_collector *collector = collector_start_reference(NULL);
  recorded_choice_decides(collector);
  collector_stop(collector);

  CHECK(unlink(consent_file) == 0);
  char lock_file[192];
  snprintf(lock_file, sizeof lock_file, "%s/.telemetry_consent.json.lock", consent_dir);
  CHECK(unlink(lock_file) == 0);
  char state_dir[192];
  snprintf(state_dir, sizeof state_dir, "%s/mycelium/telemetry", consent_dir);
  CHECK(rmdir(state_dir) == 0);
  snprintf(state_dir, sizeof state_dir, "%s/mycelium", consent_dir);
  CHECK(rmdir(state_dir) == 0);
  CHECK(rmdir(consent_dir) == 0);
  puts("consent: ok");
  return 0;
}

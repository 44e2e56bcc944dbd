/* Files the library writes cannot be redirected through a symbolic link planted at their path:
 * an output file that is a link leaves the link's target untouched and warns once through the
 * host's log callback; a dangling link does not create its target; a salt file that is a link
 * is not read, so the salt someone planted is not the one used. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_support.h"

typedef struct {
  int warnings;
  char last[512];
} warning_log;

static void record_warning(int level, const char *message, void *user_data) {
  warning_log *log = user_data;
  if (level == MT_LOG_WARN) {
    log->warnings++;
    snprintf(log->last, sizeof log->last, "%s", message);
  }
}

static char folder[256];

static void path_in_folder(char *out, size_t size, const char *name) {
  snprintf(out, size, "%s/%s", folder, name);
}

static void write_text(const char *path, const char *text) {
  FILE *file = fopen(path, "w");
  CHECK(file != NULL);
  CHECK(fputs(text, file) >= 0);
  CHECK(fclose(file) == 0);
}

static void check_text(const char *path, const char *expected) {
  char text[128] = {0};
  FILE *file = fopen(path, "r");
  CHECK(file != NULL);
  size_t got = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  CHECK(got == strlen(expected));
  CHECK_STREQ(text, expected);
}

/* Tracks three events with a flush after each, so the refusal is met three times. */
static void track_three(mt_client *client) {
  for (int i = 0; i < 3; i++) {
    CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", NULL), MT_OK);
    mt_flush(client, 5000);
  }
}

static mt_client *client_writing_to(const char *output, warning_log *log) {
  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_enabled(config, true), MT_OK);
  CHECK_STATUS(mt_config_set_salt(config, "s"), MT_OK);
  CHECK_STATUS(mt_config_set_output_file(config, output), MT_OK);
  CHECK_STATUS(mt_config_set_log_callback(config, record_warning, log), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  return client;
}

static void output_link_is_refused(void) {
  char victim[300], planted[300];
  path_in_folder(victim, sizeof victim, "victim.txt");
  path_in_folder(planted, sizeof planted, "telemetry.jsonl");
  write_text(victim, "precious\n");
  CHECK(symlink(victim, planted) == 0);

  warning_log log = {0};
  mt_client *client = client_writing_to(planted, &log);
  track_three(client);
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  mt_shutdown(client, 2000);

  check_text(victim, "precious\n");
  CHECK(log.warnings == 1);
  CHECK(strstr(log.last, "symbolic link") != NULL);
  CHECK(stats.sent == 0 && stats.failed == 3);
}

static void dangling_link_creates_nothing(void) {
  char target[300], planted[300];
  path_in_folder(target, sizeof target, "created-through-link");
  path_in_folder(planted, sizeof planted, "dangling.jsonl");
  CHECK(symlink(target, planted) == 0);

  warning_log log = {0};
  mt_client *client = client_writing_to(planted, &log);
  track_three(client);
  mt_shutdown(client, 2000);
  struct stat info;
  CHECK(lstat(target, &info) != 0);
}

/* A salt file that is a link to a value someone else knows: the events hash with another salt.
 * sha256("agent" + "planted-salt") would be the hash if the link were followed. */
static void salt_link_is_not_read(void) {
  char planted_salt[300], salt_link[300], output[300];
  path_in_folder(planted_salt, sizeof planted_salt, "planted-salt");
  path_in_folder(salt_link, sizeof salt_link, "telemetry_salt");
  path_in_folder(output, sizeof output, "salted.jsonl");
  write_text(planted_salt, "planted-salt\n");
  CHECK(symlink(planted_salt, salt_link) == 0);

  mt_config *config = mt_config_new();
  CHECK(config != NULL);
  CHECK_STATUS(mt_config_set_enabled(config, true), MT_OK);
  CHECK_STATUS(mt_config_set_salt_file(config, salt_link), MT_OK);
  CHECK_STATUS(mt_config_set_output_file(config, output), MT_OK);
  warning_log log = {0};
  CHECK_STATUS(mt_config_set_log_callback(config, record_warning, &log), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", NULL), MT_OK);
  mt_shutdown(client, 5000);

  char *expected_if_followed = mt_hash_identifier("planted-salt", "agent");
  CHECK(expected_if_followed != NULL);
  char written[4096] = {0};
  FILE *file = fopen(output, "r");
  CHECK(file != NULL);
  CHECK(fread(written, 1, sizeof written - 1, file) > 0);
  fclose(file);
  CHECK(strstr(written, "agent_id_hash") != NULL);
  CHECK(strstr(written, expected_if_followed) == NULL);
  mt_string_free(expected_if_followed);
  CHECK(log.warnings >= 1);
  check_text(planted_salt, "planted-salt\n");
}

int main(void) {
  test_clear_telemetry_env();
  snprintf(folder, sizeof folder, "/tmp/mt-linked-files-%ld", (long)getpid());
  CHECK(mkdir(folder, 0700) == 0);
  output_link_is_refused();
  dangling_link_creates_nothing();
  salt_link_is_not_read();
  char command[300];
  snprintf(command, sizeof command, "rm -rf '%s'", folder);
  CHECK(system(command) == 0);
  return 0;
}

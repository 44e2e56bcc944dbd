/*
 * fork(): a child that tracks gets a client of its own (its own sender thread); events queued in
 * the parent before the fork are sent once, by the parent; and forking while the parent's sender
 * is stuck in a request does not deadlock the child.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

/* Runs `child` in a forked child and returns its exit status. A child that hangs is killed by
 * its own alarm, which the parent sees as a failure. */
static int in_child(int (*child)(mt_client *), mt_client *client) {
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    alarm(30);
    _exit(child(client));
  }
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid);
  if (!WIFEXITED(status)) {
    fprintf(stderr, "child did not exit normally (status %d): deadlock?\n", status);
    return -1;
  }
  if (WEXITSTATUS(status) != 0) {
    fprintf(stderr, "child exited with %d\n", WEXITSTATUS(status));
  }
  return WEXITSTATUS(status);
}

static mt_stats stats_of(const mt_client *client) {
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  return stats;
}

/* In the child: a fresh client of its own that delivers its events. Exit 0 on success. */
static int child_tracks_and_delivers(mt_client *client) {
  if (stats_of(client).enqueued != 0) {
    return 2; /* the parent's queued events leaked into the child */
  }
  char operation[32];
  for (int index = 0; index < 3; index++) {
    snprintf(operation, sizeof operation, "child-%d", index);
    if (mt_track_agent_usage(client, "agent", operation, NULL) != MT_OK) {
      return 3;
    }
  }
  if (mt_flush(client, 10000) != MT_OK) {
    return 4;
  }
  mt_stats stats = stats_of(client);
  return stats.enqueued == 3 && stats.sent == 3 ? 0 : 5;
}

/* In the child of a parent whose sender is stuck in a request: everything still returns. */
static int child_is_not_deadlocked(mt_client *client) {
  double started = test_now_ms();
  if (mt_track_agent_usage(client, "agent", "child-after-stuck-fork", NULL) != MT_OK) {
    return 3;
  }
  /* The collector never answers anyone, so the child's own request hangs too: its flush and
   * close must still return on time, which they cannot if they wait on the parent's locks. */
  if (mt_flush(client, 300) != MT_ERR_TIMEOUT) {
    return 4;
  }
  if (mt_client_close(client, 300) != MT_ERR_TIMEOUT) {
    return 5;
  }
  return test_now_ms() - started < 5000 * test_time_scale() ? 0 : 6;
}

int main(void) {
  /* Part 1: events queued, not yet sent, when the process forks. */
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_flush_interval_ms(config, 3600000), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  char operation[32];
  for (int index = 0; index < 5; index++) {
    snprintf(operation, sizeof operation, "parent-%d", index);
    CHECK_STATUS(mt_track_agent_usage(client, "agent", operation, NULL), MT_OK);
  }
  CHECK(in_child(child_tracks_and_delivers, client) == 0);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  for (int index = 0; index < 5; index++) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"operation\":\"parent-%d\"", index);
    CHECK(collector_occurrences(collector, needle) == 1);
  }
  for (int index = 0; index < 3; index++) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"operation\":\"child-%d\"", index);
    CHECK(collector_occurrences(collector, needle) == 1);
  }
  CHECK(stats_of(client).sent == 5);
  mt_shutdown(client, 2000);
  collector_stop(collector);

  /* Part 2: fork while the parent's sender waits on a request that is never answered. */
  mt_test_collector *silent = collector_start_with((collector_options){.never_respond = true});
  config = test_enabled_config(silent);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 30), MT_OK);
  client = mt_client_new(config);
  mt_config_free(config);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "parent-stuck", NULL), MT_OK);
  CHECK(collector_wait(silent, 1, (int)(10000 * test_time_scale())));
  CHECK(in_child(child_is_not_deadlocked, client) == 0);
  CHECK_STATUS(mt_client_close(client, 200), MT_ERR_TIMEOUT);
  mt_client_free(client);
  collector_stop(silent);
  return 0;
}

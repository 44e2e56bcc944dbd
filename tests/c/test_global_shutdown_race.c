/*
 * mt_global_shutdown while other threads are still tracking on mt_global(), as happens when a
 * host exits with worker threads alive. Documented (docs/c-api.md, "What is safe when"): every
 * call racing with the shutdown returns MT_OK or MT_ERR_SHUT_DOWN and none crashes; once
 * mt_global_shutdown has returned, every track and flush call returns MT_ERR_SHUT_DOWN, stats
 * keep working and the global pointer stays valid.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>

#include "test_support.h"

enum {
  TRACKER_COUNT = 4,
  /* Each tracker must have had this many events accepted before the shutdown starts, so the
   * shutdown really lands in the middle of tracking. */
  ACCEPTED_BEFORE_SHUTDOWN = 50,
  /* Calls each tracker makes once it knows mt_global_shutdown has returned. */
  CALLS_AFTER_SHUTDOWN = 100,
};

typedef struct tracker {
  pthread_t thread;
  atomic_long accepted;
  long refused_during_race;
  long refused_after_shutdown;
  /* The first call that broke the contract, for the report; empty if none. */
  char violation[160];
} tracker;

static atomic_bool shutdown_returned;

/* One call of the rotation, by number; `*is_track` tells whether an MT_OK queued an event. */
static int call_global(long number, bool *is_track) {
  mt_client *global = mt_global();
  *is_track = true;
  switch (number % 7) {
    case 0:
      return mt_track_agent_usage(global, "worker", "race", "{\"duration_ms\":1}");
    case 1:
      return mt_track_performance(global, "race", 1.0, "ms", "{\"region\":\"eu\"}");
    case 2:
      return mt_track_error(global, "RaceError", "message", "trace", "{\"retry_count\":1}");
    case 3:
      return mt_track_system_info(global);
    case 4: {
      *is_track = false;
      mt_stats stats;
      return mt_client_stats(global, &stats) == MT_OK ? MT_OK : MT_ERR_INTERNAL;
    }
    case 5:
      *is_track = false;
      /* Reported as if it were a status: true while collecting, false once shut down. */
      return mt_client_is_enabled(global) ? MT_OK : MT_ERR_SHUT_DOWN;
    default: {
      *is_track = false;
      int status = mt_flush(global, 1);
      /* A flush that times out while the sender is busy is fine before the shutdown. */
      return status == MT_ERR_TIMEOUT ? MT_OK : status;
    }
  }
}

static void *track_until_shut_down(void *argument) {
  tracker *self = argument;
  long after_shutdown = 0;
  for (long number = 0; after_shutdown < CALLS_AFTER_SHUTDOWN; number++) {
    /* Read before the call: if it is set, the shutdown returned before this call began. */
    bool shut_down = atomic_load(&shutdown_returned);
    bool is_track;
    int status = call_global(number, &is_track);
    if (shut_down) {
      after_shutdown++;
      /* Stats work on a shut-down client; everything else refuses. */
      int expected = number % 7 == 4 ? MT_OK : MT_ERR_SHUT_DOWN;
      if (status == expected) {
        self->refused_after_shutdown += expected == MT_ERR_SHUT_DOWN;
      } else if (self->violation[0] == '\0') {
        snprintf(self->violation, sizeof self->violation,
                 "call %ld (kind %ld) after shutdown returned %d (%s)", number, number % 7,
                 status, mt_status_message(status));
      }
    } else if (status == MT_OK) {
      if (is_track) {
        atomic_fetch_add(&self->accepted, 1);
      }
    } else if (status == MT_ERR_SHUT_DOWN) {
      self->refused_during_race++;
    } else if (self->violation[0] == '\0') {
      snprintf(self->violation, sizeof self->violation,
               "call %ld (kind %ld) during the race returned %d (%s)", number, number % 7,
               status, mt_status_message(status));
    }
    /* A short pause keeps the load realistic on a shared machine; the race is in the library's
     * check-then-push, which a pause between calls does not close. */
    if (number % 8 == 0) {
      test_sleep_ms(1);
    }
  }
  return NULL;
}

static bool all_accepted_at_least(tracker *trackers, long count) {
  for (int index = 0; index < TRACKER_COUNT; index++) {
    if (atomic_load(&trackers[index].accepted) < count) {
      return false;
    }
  }
  return true;
}

/* The whole set of calls on the global client once it is shut down: documented statuses, and
 * counters that no longer move. */
static void after_shutdown(mt_client *global, const mt_stats *final) {
  CHECK(mt_global() == global);
  CHECK(!mt_client_is_enabled(global));
  CHECK_STATUS(mt_track_agent_usage(global, "agent", "late", NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_performance(global, "late", 1.0, NULL, NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_error(global, "Late", "message", NULL, NULL), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_track_system_info(global), MT_ERR_SHUT_DOWN);
  CHECK_STATUS(mt_flush(global, 100), MT_ERR_SHUT_DOWN);
  /* Shutting it down again, any way, does nothing and frees nothing. */
  mt_shutdown(global, 100);
  mt_global_shutdown(100);
  CHECK_STATUS(mt_client_close(global, 100), MT_OK);
  mt_client_free(global);
  CHECK(mt_global() == global);
  CHECK_STATUS(mt_track_system_info(global), MT_ERR_SHUT_DOWN);
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(global, &stats), MT_OK);
  CHECK(memcmp(&stats, final, sizeof stats) == 0);
}

/* The global client's end is not the library's: a client of its own still works. */
static void new_client_still_works(mt_test_collector *collector) {
  mt_config *config = test_enabled_config(collector);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client));
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "after-global-shutdown", NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  CHECK_SENT(collector, "\"operation\":\"after-global-shutdown\"");
  mt_shutdown(client, 2000);
}

int main(void) {
  test_clear_telemetry_env();
  mt_test_collector *collector = collector_start();
  int threads_before = test_thread_count();
  CHECK(setenv("TELEMETRY_ENABLED", "1", 1) == 0);
  CHECK(setenv("TELEMETRY_ENDPOINT", collector_endpoint(collector), 1) == 0);
  CHECK(setenv("TELEMETRY_SALT", "test-salt", 1) == 0);
  CHECK(setenv("TELEMETRY_FLUSH_INTERVAL_MS", "50", 1) == 0);

  /* The trackers are the first to ask for the global client, so its creation races too. */
  static tracker trackers[TRACKER_COUNT];
  for (int index = 0; index < TRACKER_COUNT; index++) {
    CHECK(pthread_create(&trackers[index].thread, NULL, track_until_shut_down,
                         &trackers[index]) == 0);
  }
  double deadline = test_now_ms() + 30000.0 * test_time_scale();
  while (!all_accepted_at_least(trackers, ACCEPTED_BEFORE_SHUTDOWN) && test_now_ms() < deadline) {
    test_sleep_ms(1);
  }
  CHECK(all_accepted_at_least(trackers, ACCEPTED_BEFORE_SHUTDOWN));
  mt_client *global = mt_global();
  CHECK(global != NULL);

  mt_global_shutdown(10000);
  atomic_store(&shutdown_returned, true);
  for (int index = 0; index < TRACKER_COUNT; index++) {
    CHECK(pthread_join(trackers[index].thread, NULL) == 0);
  }

  long accepted = 0;
  for (int index = 0; index < TRACKER_COUNT; index++) {
    tracker *done = &trackers[index];
    fprintf(stderr, "tracker %d: %ld accepted, %ld refused in the race, %ld after%s%s\n", index,
            atomic_load(&done->accepted), done->refused_during_race,
            done->refused_after_shutdown, done->violation[0] ? ": " : "", done->violation);
    CHECK(done->violation[0] == '\0');
    CHECK(done->refused_after_shutdown > 0);
    accepted += atomic_load(&done->accepted);
  }

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(global, &stats), MT_OK);
  fprintf(stderr, "global: enqueued %llu, sent %llu, dropped %llu, failed %llu\n",
          (unsigned long long)stats.enqueued, (unsigned long long)stats.sent,
          (unsigned long long)stats.dropped, (unsigned long long)stats.failed);
  /* Every MT_OK from a track call queued exactly one event, and nothing else did. */
  CHECK(stats.enqueued == (uint64_t)accepted);
  /* Only a call that passed the shut-down check before the shutdown began can be late and stay
   * pending (documented); each tracker has at most one call in flight at that moment. */
  uint64_t completed = stats.sent + stats.dropped + stats.failed;
  CHECK(completed <= stats.enqueued);
  CHECK(stats.enqueued - completed <= TRACKER_COUNT);
  /* The shutdown had ample time against a healthy collector: everything it saw was sent, and
   * what was counted as sent is exactly what arrived. */
  CHECK(stats.failed == 0);
  CHECK(collector_occurrences(collector, "\"event_type\":") == stats.sent);
  /* And its sender thread is gone (joined, since it finished in time). */
  CHECK(test_wait_thread_count(threads_before, 2000) == threads_before);

  after_shutdown(global, &stats);
  new_client_still_works(collector);

  collector_stop(collector);
  puts("global shutdown racing with tracking threads: ok");
  return 0;
}

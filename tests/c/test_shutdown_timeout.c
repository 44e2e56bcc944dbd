/* A collector that accepts a batch and never answers must not hold the host hostage: shutdown
 * returns within its own budget, not the 30 s request timeout. */
#define _POSIX_C_SOURCE 200809L

#include <stdatomic.h>
#include <time.h>

#include "test_support.h"

/* mt_client_free_nowait, for finalizers: with the sender stuck in a request and 20 s granted to
 * send the rest, it still returns at once, and the log callback is never called afterwards. */
static atomic_int late_log_calls;
static atomic_bool freed;

static void count_late_logs(int level, const char *message, void *user_data) {
  (void)level;
  (void)message;
  (void)user_data;
  if (atomic_load(&freed)) {
    atomic_fetch_add(&late_log_calls, 1);
  }
}

static void free_nowait_does_not_wait(mt_test_collector *collector) {
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 2), MT_OK);
  /* No retry: the first failure is logged (if anything still logs) 2 s after the request. */
  CHECK_STATUS(mt_config_set_retry_attempts(config, 0), MT_OK);
  CHECK_STATUS(mt_config_set_log_callback(config, count_late_logs, NULL), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  size_t seen = collector_count(collector);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "stuck-again", NULL), MT_OK);
  CHECK(collector_wait(collector, seen + 1, 10000));

  double started = test_now_ms();
  mt_client_free_nowait(client, 20000);
  atomic_store(&freed, true);
  double elapsed = test_now_ms() - started;
  fprintf(stderr, "mt_client_free_nowait(client, 20000) returned after %.0f ms\n", elapsed);
  /* Far below the 20 s it granted: it did not wait for the sender. */
  CHECK(elapsed < 5000.0 * test_time_scale());
  /* The request times out after 2 s and would be logged as a failure; it must not be. */
  struct timespec pause = {.tv_sec = 3, .tv_nsec = 0};
  nanosleep(&pause, NULL);
  CHECK(atomic_load(&late_log_calls) == 0);
}

int main(void) {
  collector_options silent = {.never_respond = true};
  mt_test_collector *collector = collector_start_with(silent);
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_timeout_secs(config, 30), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);

  CHECK_STATUS(mt_track_agent_usage(client, "agent", "stuck", NULL), MT_OK);
  /* Shut down only once the batch is in flight, so the sender really is stuck in a request. */
  CHECK(collector_wait(collector, 1, 10000));
  CHECK_STATUS(mt_flush(client, 200), MT_ERR_TIMEOUT);

  double started = test_now_ms();
  /* The result says the sender did not finish; the client is freed all the same. */
  CHECK_STATUS(mt_shutdown(client, 500), MT_ERR_TIMEOUT);
  double elapsed = test_now_ms() - started;
  fprintf(stderr, "mt_shutdown(client, 500) returned after %.0f ms\n", elapsed);
  /* It used its budget trying to send (the request could not finish sooner)... */
  CHECK(elapsed >= 400.0);
  /* ...and returned soon after the budget, far from the request timeout. The bound is generous
   * for loaded machines and sanitizers: this checks behaviour, not speed. */
  CHECK(elapsed < 3000.0 * test_time_scale());

  free_nowait_does_not_wait(collector);
  collector_stop(collector);
  puts("shutdown with a silent collector: ok");
  return 0;
}

/* A collector that accepts a batch and never answers must not hold the host hostage: shutdown
 * returns within its own budget, not the 30 s request timeout. */
#include "test_support.h"

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
  mt_shutdown(client, 500);
  double elapsed = test_now_ms() - started;
  fprintf(stderr, "mt_shutdown(client, 500) returned after %.0f ms\n", elapsed);
  /* It used its budget trying to send (the request could not finish sooner)... */
  CHECK(elapsed >= 400.0);
  /* ...and returned soon after the budget, far from the request timeout. The bound is generous
   * for loaded machines and sanitizers: this checks behaviour, not speed. */
  CHECK(elapsed < 3000.0 * test_time_scale());

  collector_stop(collector);
  puts("shutdown with a silent collector: ok");
  return 0;
}

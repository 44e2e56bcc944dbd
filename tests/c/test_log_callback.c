/* The library's warnings reach the host's callback, with the host's user_data, instead of
 * stderr: here, the collector refusing a batch with HTTP 400. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>

#include "test_support.h"

typedef struct log_record {
  pthread_mutex_t lock;
  int calls;
  int level;
  bool user_data_matched;
  char message[512];
} log_record;

static log_record warnings;

/* Runs on the library's sender thread. */
static void record_warning(int level, const char *message, void *user_data) {
  log_record *registered = user_data;
  pthread_mutex_lock(&warnings.lock);
  warnings.calls++;
  warnings.level = level;
  warnings.user_data_matched = registered == &warnings;
  snprintf(warnings.message, sizeof warnings.message, "%s", message);
  pthread_mutex_unlock(&warnings.lock);
}

int main(void) {
  pthread_mutex_init(&warnings.lock, NULL);
  collector_options refusing = {.status = 400};
  mt_test_collector *collector = collector_start_with(refusing);
  mt_config *config = test_enabled_config(collector);
  CHECK_STATUS(mt_config_set_log_callback(config, record_warning, &warnings), MT_OK);
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);

  CHECK_STATUS(mt_track_agent_usage(client, "alice@example.com", "refused-op", NULL), MT_OK);
  /* A refused batch is given up on, which completes the flush. */
  CHECK_STATUS(mt_flush(client, 10000), MT_OK);
  CHECK(collector_count(collector) == 1);

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == 1);
  CHECK(stats.sent == 0);
  CHECK(stats.failed == 1);
  CHECK(stats.retries == 0);

  pthread_mutex_lock(&warnings.lock);
  fprintf(stderr, "callback got (level %d): %s\n", warnings.level, warnings.message);
  CHECK(warnings.calls == 1);
  CHECK(warnings.user_data_matched);
  CHECK(warnings.level == MT_LOG_WARN);
  CHECK(strstr(warnings.message, "refused") != NULL);
  CHECK(strstr(warnings.message, "400") != NULL);
  CHECK(strstr(warnings.message, "alice") == NULL);
  pthread_mutex_unlock(&warnings.lock);

  mt_shutdown(client, 2000);
  collector_stop(collector);
  pthread_mutex_destroy(&warnings.lock);
  puts("log callback: ok");
  return 0;
}

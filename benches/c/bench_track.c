/* Cost of one mt_track_agent_usage call, as a C host sees it: through the public header and the
 * shared library (a real PLT call, nothing inlined).
 *
 * Method. Reading CLOCK_MONOTONIC costs about 20 ns, as much as the calls being measured, so
 * calls are timed in blocks: one clock read before and one after each block of `block_calls`
 * calls, and the per-call figure of a block is its duration divided by `block_calls`. The
 * median and the 99th percentile are taken over these per-block figures. Nothing is subtracted:
 * the cost of one empty timing is reported beside each result as `timer_ns` (its share of a
 * per-call figure is timer_ns / block_calls). The p99 is the p99 of block averages, so a single
 * slow call shows diluted by its block; blocks are kept small for the enabled cases for that
 * reason.
 *
 * Enabled cases write batches to a local file under /tmp (mt_config_set_output_file): no
 * socket. The queue is made large enough for a whole round of calls, and between rounds (not
 * timed) the client is flushed and the file emptied, so the queue never fills and the file stays
 * small. The full-queue case is the one exception (see measure_full_queue).
 *
 * Output: one JSON object per line on stdout; progress and problems on stderr.
 * Usage: bench_track [--quick]   (--quick runs 1/16 of the calls, for a smoke test)
 */
#define _POSIX_C_SOURCE 200809L

#include <mycelium_telemetry.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char AGENT_ID[] = "agent-42";
static const char OPERATION[] = "summarize";
static const char SMALL_METADATA[] = "{\"duration_ms\":87,\"success\":true}";
static const char SALT[] = "bench-salt";

static const char METHOD[] =
    "clock_gettime(CLOCK_MONOTONIC) around blocks of block_calls calls; per-call = block time / "
    "block_calls; median and p99 over blocks; timer_ns (one empty timing) not subtracted";

/* Calls per timed block: large where a call costs a few ns, small where outliers matter. */
enum { DISABLED_BLOCK = 256, ENABLED_BLOCK = 16 };
/* Calls per thread between two flushes; the queue holds two threads' worth. */
enum { ROUND_CALLS = 32768, ROUND_QUEUE_CAPACITY = 2 * ROUND_CALLS };
/* The full-queue case: the capacity the issue names, and a batch the sender holds on to. */
enum { FULL_QUEUE_CAPACITY = 1024, STUCK_BATCH_SIZE = 100 };

static size_t scale_divisor = 1;
static char output_path[64];

static uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void fail(const char *what) {
  fprintf(stderr, "bench_track: %s\n", what);
  unlink(output_path);
  exit(1);
}

static void check_status(mt_status status, const char *call) {
  if (status != MT_OK) {
    fprintf(stderr, "bench_track: %s: %s\n", call, mt_status_message(status));
    fail("a library call failed");
  }
}

static void *allocate(size_t count, size_t size) {
  void *memory = calloc(count, size);
  if (memory == NULL) {
    fail("out of memory");
  }
  return memory;
}

/* Times `blocks` blocks into `block_ns`; returns the OR of every status, so one check covers
 * all calls without adding a branch per call. */
static int time_blocks(mt_client *client, const char *metadata, size_t blocks,
                       size_t block_calls, uint64_t *block_ns) {
  int statuses = MT_OK;
  for (size_t block = 0; block < blocks; block++) {
    uint64_t start = now_ns();
    for (size_t call = 0; call < block_calls; call++) {
      statuses |= (int)mt_track_agent_usage(client, AGENT_ID, OPERATION, metadata);
    }
    block_ns[block] = now_ns() - start;
  }
  return statuses;
}

static int compare_u64(const void *left, const void *right) {
  uint64_t a = *(const uint64_t *)left;
  uint64_t b = *(const uint64_t *)right;
  return (a > b) - (a < b);
}

static uint64_t percentile(uint64_t *sorted, size_t count, unsigned percent) {
  size_t rank = (count * percent + 99) / 100; /* nearest-rank, 1-based */
  return sorted[rank == 0 ? 0 : rank - 1];
}

/* The median cost of one timing with nothing inside it. */
static uint64_t measure_timer(void) {
  enum { SAMPLES = 100000 };
  uint64_t *samples = allocate(SAMPLES, sizeof *samples);
  for (size_t i = 0; i < SAMPLES; i++) {
    uint64_t start = now_ns();
    samples[i] = now_ns() - start;
  }
  qsort(samples, SAMPLES, sizeof *samples, compare_u64);
  uint64_t median = percentile(samples, SAMPLES, 50);
  free(samples);
  return median;
}

struct result {
  const char *name;
  size_t threads;
  size_t block_calls;
  uint64_t *block_ns;
  size_t blocks;
  uint64_t timer_ns;
  /* Events displaced from the queue during the measured calls; -1 when not relevant. */
  long long dropped;
};

static void report(struct result *result) {
  qsort(result->block_ns, result->blocks, sizeof *result->block_ns, compare_u64);
  double per_call = (double)result->block_calls;
  printf("{\"name\":\"%s\",\"lang\":\"c\",\"median_ns\":%.2f,\"p99_ns\":%.2f,\"calls\":%zu,"
         "\"threads\":%zu,\"block_calls\":%zu,\"timer_ns\":%llu,",
         result->name, (double)percentile(result->block_ns, result->blocks, 50) / per_call,
         (double)percentile(result->block_ns, result->blocks, 99) / per_call,
         result->blocks * result->block_calls, result->threads, result->block_calls,
         (unsigned long long)result->timer_ns);
  if (result->dropped >= 0) {
    printf("\"dropped\":%lld,", result->dropped);
  }
  printf("\"method\":\"%s\"}\n", METHOD);
  fflush(stdout);
}

static mt_stats stats_of(mt_client *client) {
  mt_stats stats;
  check_status(mt_client_stats(client, &stats), "mt_client_stats");
  return stats;
}

static void measure_disabled(uint64_t timer_ns) {
  mt_config *config = mt_config_new();
  if (config == NULL) {
    fail("mt_config_new returned NULL");
  }
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  if (client == NULL || mt_client_is_enabled(client)) {
    fail("expected a disabled client from mt_config_new()");
  }
  size_t blocks = 10000000 / scale_divisor / DISABLED_BLOCK;
  uint64_t *block_ns = allocate(blocks, sizeof *block_ns);
  time_blocks(client, SMALL_METADATA, blocks / 100 + 1, DISABLED_BLOCK, block_ns); /* warm-up */
  if (time_blocks(client, SMALL_METADATA, blocks, DISABLED_BLOCK, block_ns) != MT_OK) {
    fail("a disabled track call did not return MT_OK");
  }
  struct result result = {"c/track_agent_usage/disabled", 1, DISABLED_BLOCK, block_ns, blocks,
                          timer_ns, -1};
  report(&result);
  free(block_ns);
  mt_shutdown(client, 1000);
}

static mt_client *local_file_client(void) {
  mt_config *config = mt_config_new();
  if (config == NULL) {
    fail("mt_config_new returned NULL");
  }
  check_status(mt_config_set_enabled(config, true), "mt_config_set_enabled");
  check_status(mt_config_set_salt(config, SALT), "mt_config_set_salt");
  check_status(mt_config_set_output_file(config, output_path), "mt_config_set_output_file");
  check_status(mt_config_set_queue_capacity(config, ROUND_QUEUE_CAPACITY),
               "mt_config_set_queue_capacity");
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  if (client == NULL || !mt_client_is_enabled(client)) {
    fail("expected an enabled client");
  }
  return client;
}

struct round_worker {
  mt_client *client;
  const char *metadata;
  size_t rounds;
  pthread_barrier_t *barrier;
  uint64_t *block_ns; /* rounds * ROUND_CALLS / ENABLED_BLOCK entries */
  int statuses;
};

/* Between rounds, not timed: everything queued is written out and the file emptied. */
static void drain(mt_client *client) {
  check_status(mt_flush(client, 120000), "mt_flush");
  if (truncate(output_path, 0) != 0) {
    fail("cannot empty the output file");
  }
}

static void *run_rounds(void *argument) {
  struct round_worker *worker = argument;
  const size_t blocks_per_round = ROUND_CALLS / ENABLED_BLOCK;
  for (size_t round = 0; round < worker->rounds; round++) {
    pthread_barrier_wait(worker->barrier);
    worker->statuses |= time_blocks(worker->client, worker->metadata, blocks_per_round,
                                    ENABLED_BLOCK, worker->block_ns + round * blocks_per_round);
    if (pthread_barrier_wait(worker->barrier) == PTHREAD_BARRIER_SERIAL_THREAD) {
      drain(worker->client);
    }
  }
  return NULL;
}

/* `threads` threads call at once, each timing its own calls; their blocks are pooled. */
static void measure_enabled(const char *name, const char *metadata, size_t threads,
                            size_t calls_per_thread, uint64_t timer_ns) {
  mt_client *client = local_file_client();
  size_t rounds = calls_per_thread / ROUND_CALLS;
  if (rounds == 0) {
    rounds = 1;
  }
  size_t blocks_per_thread = rounds * (ROUND_CALLS / ENABLED_BLOCK);
  uint64_t *block_ns = allocate(threads * blocks_per_thread, sizeof *block_ns);

  /* Warm-up: the sender thread is started and the allocator has its pages. */
  time_blocks(client, metadata, ROUND_CALLS / ENABLED_BLOCK, ENABLED_BLOCK, block_ns);
  drain(client);
  mt_stats before = stats_of(client);

  pthread_barrier_t barrier;
  if (pthread_barrier_init(&barrier, NULL, (unsigned)threads) != 0) {
    fail("pthread_barrier_init failed");
  }
  struct round_worker *workers = allocate(threads, sizeof *workers);
  pthread_t *ids = allocate(threads, sizeof *ids);
  for (size_t i = 0; i < threads; i++) {
    workers[i] = (struct round_worker){client, metadata, rounds, &barrier,
                                       block_ns + i * blocks_per_thread, MT_OK};
    if (pthread_create(&ids[i], NULL, run_rounds, &workers[i]) != 0) {
      fail("pthread_create failed");
    }
  }
  int statuses = MT_OK;
  for (size_t i = 0; i < threads; i++) {
    pthread_join(ids[i], NULL);
    statuses |= workers[i].statuses;
  }
  pthread_barrier_destroy(&barrier);
  if (statuses != MT_OK) {
    fail("an enabled track call did not return MT_OK");
  }

  /* The figures mean "normal operation" only if every event was written and none displaced. */
  mt_stats after = stats_of(client);
  uint64_t measured = (uint64_t)(threads * blocks_per_thread * ENABLED_BLOCK);
  if (after.enqueued - before.enqueued != measured || after.dropped != before.dropped ||
      after.failed != before.failed || after.sent != after.enqueued) {
    fprintf(stderr,
            "bench_track: %s: enqueued %llu, sent %llu, dropped %llu, failed %llu after %llu "
            "calls\n",
            name, (unsigned long long)after.enqueued, (unsigned long long)after.sent,
            (unsigned long long)after.dropped, (unsigned long long)after.failed,
            (unsigned long long)measured);
    fail("events were lost in a case that must not lose any");
  }
  struct result result = {name, threads, ENABLED_BLOCK, block_ns, threads * blocks_per_thread,
                          timer_ns, (long long)(after.dropped - before.dropped)};
  report(&result);
  free(ids);
  free(workers);
  free(block_ns);
  mt_shutdown(client, 5000);
}

/* A collector that is down in the worst way: it takes connections (the kernel completes the
 * handshake into the backlog) but never accepts or answers, so the sender sits in a request for
 * the whole 30 s timeout with one batch, and every further event lands in a full queue,
 * displacing the oldest. An unreachable port (connection refused) would not do: the sender
 * would fail fast and keep draining. Returns the listening socket; *port gets its port. */
static int silent_listener(unsigned *port) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(listener, 16) != 0 ||
      getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
    fail("cannot open a listening socket on 127.0.0.1");
  }
  *port = ntohs(address.sin_port);
  return listener;
}

static void measure_full_queue(uint64_t timer_ns) {
  unsigned port = 0;
  int listener = silent_listener(&port);
  char endpoint[64];
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%u/v1/events", port);

  mt_config *config = mt_config_new();
  if (config == NULL) {
    fail("mt_config_new returned NULL");
  }
  check_status(mt_config_set_enabled(config, true), "mt_config_set_enabled");
  check_status(mt_config_set_salt(config, SALT), "mt_config_set_salt");
  check_status(mt_config_set_endpoint(config, endpoint), "mt_config_set_endpoint");
  check_status(mt_config_set_timeout_secs(config, 30), "mt_config_set_timeout_secs");
  check_status(mt_config_set_retry_attempts(config, 0), "mt_config_set_retry_attempts");
  check_status(mt_config_set_batch_size(config, STUCK_BATCH_SIZE), "mt_config_set_batch_size");
  check_status(mt_config_set_queue_capacity(config, FULL_QUEUE_CAPACITY),
               "mt_config_set_queue_capacity");
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  if (client == NULL || !mt_client_is_enabled(client)) {
    fail("expected an enabled client");
  }

  /* One full batch wakes the sender, which takes it and hangs on the silent collector; then the
   * queue is filled to capacity. */
  size_t blocks = 2000000 / scale_divisor / ENABLED_BLOCK;
  uint64_t *block_ns = allocate(blocks, sizeof *block_ns);
  time_blocks(client, NULL, STUCK_BATCH_SIZE, 1, block_ns);
  struct timespec pause = {0, 100 * 1000 * 1000};
  nanosleep(&pause, NULL);
  time_blocks(client, NULL, 2 * FULL_QUEUE_CAPACITY / ENABLED_BLOCK, ENABLED_BLOCK, block_ns);
  mt_stats before = stats_of(client);
  if (before.dropped == 0) {
    fail("the queue did not fill: the sender is draining it");
  }

  if (time_blocks(client, NULL, blocks, ENABLED_BLOCK, block_ns) != MT_OK) {
    fail("a track call into a full queue did not return MT_OK");
  }
  mt_stats after = stats_of(client);
  long long dropped = (long long)(after.dropped - before.dropped);
  if ((size_t)dropped != blocks * ENABLED_BLOCK) {
    fprintf(stderr, "bench_track: full queue: %lld of %zu calls displaced an event; the sender "
            "drained some of the queue while it was measured\n", dropped, blocks * ENABLED_BLOCK);
  }
  struct result result = {"c/track_agent_usage/queue_full", 1, ENABLED_BLOCK, block_ns, blocks,
                          timer_ns, dropped};
  report(&result);
  free(block_ns);

  /* The sender is stuck in its request: shutdown gives up after its timeout, and closing the
   * listener resets the connection so the detached sender finishes too. */
  mt_shutdown(client, 200);
  close(listener);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--quick") == 0) {
    scale_divisor = 16;
  } else if (argc != 1) {
    fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
    return 2;
  }
  snprintf(output_path, sizeof output_path, "/tmp/mt-bench-c-%ld.jsonl", (long)getpid());
  fprintf(stderr, "bench_track: mycelium-telemetry %s, output file %s\n", mt_version(),
          output_path);

  uint64_t timer_ns = measure_timer();
  size_t enabled_calls = 2000000 / scale_divisor;
  measure_disabled(timer_ns);
  measure_enabled("c/track_agent_usage/enabled_short", NULL, 1, enabled_calls, timer_ns);
  measure_enabled("c/track_agent_usage/enabled_metadata", SMALL_METADATA, 1, enabled_calls,
                  timer_ns);
  measure_enabled("c/track_agent_usage/enabled_two_threads", NULL, 2, enabled_calls / 2,
                  timer_ns);
  measure_full_queue(timer_ns);

  unlink(output_path);
  return 0;
}

/*
 * Real HTTP collectors for the C and C++ tests, on 127.0.0.1 (a free port), each a child process:
 * - collector_start*: the scriptable fault_collector (tests/tools/fault_collector), which records
 *   every request and answers with the status, delay or silence a test asks for;
 * - collector_start_reference: the reference collector (mycelium-collector, in-memory SQLite),
 *   for tests that only check what arrived: what it records is each batch it stored, as it
 *   printed it (--print-stored); it does not record the requests' method, path or headers.
 * Nothing is mocked: the library under test talks to them over TCP.
 */
#ifndef MT_TEST_COLLECTOR_H
#define MT_TEST_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mt_test_collector mt_test_collector;

typedef struct collector_options {
  /* The HTTP status every request is answered with; 0 means 200. */
  int status;
  /* Record each request, then hold its connection open without ever answering (until stop). */
  bool never_respond;
} collector_options;

/* Starts a collector answering 200. Exits the process with a message if it cannot. */
mt_test_collector *collector_start(void);
mt_test_collector *collector_start_with(collector_options options);
/* Starts the reference collector, requiring `ingest_token` as a bearer token unless it is NULL. */
mt_test_collector *collector_start_reference(const char *ingest_token);

int collector_port(const mt_test_collector *collector);
/* "http://127.0.0.1:<port>/v1/events"; valid until collector_stop. */
const char *collector_endpoint(const mt_test_collector *collector);

/* Requests recorded so far (complete request line, headers and body); batches stored so far for
 * the reference collector. */
size_t collector_count(mt_test_collector *collector);
/* Waits until at least `count` requests are recorded; false if `timeout_ms` passed first. */
bool collector_wait(mt_test_collector *collector, size_t count, int timeout_ms);

/* Parts of request `index` (< collector_count); valid until collector_stop. A header that was not
 * sent gives "". The reference collector only has bodies (each the stored batch). */
const char *collector_method(mt_test_collector *collector, size_t index);
const char *collector_path(mt_test_collector *collector, size_t index);
const char *collector_content_type(mt_test_collector *collector, size_t index);
const char *collector_user_agent(mt_test_collector *collector, size_t index);
const char *collector_authorization(mt_test_collector *collector, size_t index);
const char *collector_body(mt_test_collector *collector, size_t index);

/* How many recorded bodies contain `needle`. */
size_t collector_bodies_containing(mt_test_collector *collector, const char *needle);
/* How many times `needle` occurs in all recorded bodies together. */
size_t collector_occurrences(mt_test_collector *collector, const char *needle);

/* Stops the server thread, closes every connection (held ones too) and frees everything. */
void collector_stop(mt_test_collector *collector);

#ifdef __cplusplus
}
#endif

#endif /* MT_TEST_COLLECTOR_H */

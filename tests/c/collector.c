/*
 * The C side of the repository's two test collectors, both real HTTP servers on 127.0.0.1 run as
 * child processes. tests/tools/fault_collector (scriptable statuses, hangs, drops) is asked, one
 * command line at a time over pipes, what it recorded. The reference collector (collector/,
 * mycelium-collector with in-memory SQLite and --print-stored) prints each batch it stored as one
 * JSON line, which is read from its standard output. Nothing is mocked: the library under test
 * talks to them over TCP.
 */
#define _POSIX_C_SOURCE 200809L

#include "collector.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MT_FAULT_COLLECTOR
#error "MT_FAULT_COLLECTOR must name the fault_collector program (tests/c/CMakeLists.txt does)"
#endif
#ifndef MT_REFERENCE_COLLECTOR
#error "MT_REFERENCE_COLLECTOR must name the mycelium-collector program (tests/c/CMakeLists.txt does)"
#endif

extern char **environ;

typedef struct recorded_request {
  char *method;
  char *path;
  char *content_type;
  char *user_agent;
  char *authorization;
  char *body;
} recorded_request;

struct mt_test_collector {
  pid_t pid;
  FILE *to;
  FILE *from;
  int port;
  char endpoint[64];
  /* Requests fetched so far; recorded requests never change, so each is fetched once and its
   * strings stay valid until collector_stop. */
  recorded_request *requests;
  size_t count;
  /* The reference collector: its standard output, and a line read only in part so far. */
  bool reference;
  int stored_fd;
  char *partial;
  size_t partial_length;
};

static void fail(const char *what) {
  fprintf(stderr, "test collector: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(2);
}

static double now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static void *checked(void *pointer) {
  if (pointer == NULL) {
    fail("out of memory");
  }
  return pointer;
}

/* Sends one command and returns its one-line answer (JSON), which the caller frees. */
static char *command(mt_test_collector *collector, const char *line) {
  if (fprintf(collector->to, "%s\n", line) < 0 || fflush(collector->to) != 0) {
    fail("writing to fault_collector");
  }
  char *answer = NULL;
  size_t size = 0;
  if (getline(&answer, &size, collector->from) < 0) {
    fail("fault_collector did not answer");
  }
  if (strstr(answer, "\"error\"") == answer + 1) {
    fprintf(stderr, "test collector: fault_collector refused \"%s\": %s", line, answer);
    exit(2);
  }
  return answer;
}

static void append_utf8(char **out, uint32_t code) {
  char *at = *out;
  if (code < 0x80) {
    *at++ = (char)code;
  } else if (code < 0x800) {
    *at++ = (char)(0xC0 | (code >> 6));
    *at++ = (char)(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    *at++ = (char)(0xE0 | (code >> 12));
    *at++ = (char)(0x80 | ((code >> 6) & 0x3F));
    *at++ = (char)(0x80 | (code & 0x3F));
  } else {
    *at++ = (char)(0xF0 | (code >> 18));
    *at++ = (char)(0x80 | ((code >> 12) & 0x3F));
    *at++ = (char)(0x80 | ((code >> 6) & 0x3F));
    *at++ = (char)(0x80 | (code & 0x3F));
  }
  *out = at;
}

static uint32_t hex4(const char *text) {
  char digits[5] = {0};
  memcpy(digits, text, 4);
  return (uint32_t)strtoul(digits, NULL, 16);
}

/* The string value of `"key": "..."` in a one-line JSON answer, unescaped; the caller frees it. */
static char *string_value(const char *answer, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *at = strstr(answer, pattern);
  if (at == NULL) {
    fprintf(stderr, "test collector: no %s in %s", key, answer);
    exit(2);
  }
  at += strlen(pattern);
  /* Unescaping never makes text longer than its escaped form. */
  char *value = checked(malloc(strlen(at) + 1));
  char *out = value;
  while (*at != '"' && *at != '\0') {
    if (*at != '\\') {
      *out++ = *at++;
      continue;
    }
    at++;
    switch (*at) {
      case 'n': *out++ = '\n'; break;
      case 't': *out++ = '\t'; break;
      case 'r': *out++ = '\r'; break;
      case 'b': *out++ = '\b'; break;
      case 'f': *out++ = '\f'; break;
      case 'u': {
        uint32_t code = hex4(at + 1);
        at += 4;
        if (code >= 0xD800 && code < 0xDC00 && at[1] == '\\' && at[2] == 'u') {
          code = 0x10000 + ((code - 0xD800) << 10) + (hex4(at + 3) - 0xDC00);
          at += 6;
        }
        append_utf8(&out, code);
        break;
      }
      default: *out++ = *at; break; /* \" \\ \/ */
    }
    at++;
  }
  *out = '\0';
  return value;
}

static long number_value(const char *answer, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *at = strstr(answer, pattern);
  if (at == NULL) {
    fprintf(stderr, "test collector: no %s in %s", key, answer);
    exit(2);
  }
  return strtol(at + strlen(pattern), NULL, 10);
}

static char *field(mt_test_collector *collector, size_t index, const char *name) {
  char line[128];
  snprintf(line, sizeof line, "field %zu %s", index, name);
  char *answer = command(collector, line);
  char *value = string_value(answer, "value");
  free(answer);
  return value;
}

static void read_stored(mt_test_collector *collector, int timeout_ms);

/* Fetches the requests that arrived since the last call. */
static void refresh(mt_test_collector *collector) {
  if (collector->reference) {
    read_stored(collector, 0);
    return;
  }
  char *answer = command(collector, "count");
  size_t count = (size_t)number_value(answer, "count");
  free(answer);
  if (count <= collector->count) {
    return;
  }
  collector->requests =
      checked(realloc(collector->requests, count * sizeof *collector->requests));
  for (size_t index = collector->count; index < count; index++) {
    recorded_request *request = &collector->requests[index];
    request->method = field(collector, index, "method");
    request->path = field(collector, index, "path");
    request->content_type = field(collector, index, "header:content-type");
    request->user_agent = field(collector, index, "header:user-agent");
    request->authorization = field(collector, index, "header:authorization");
    request->body = field(collector, index, "body");
  }
  collector->count = count;
}

mt_test_collector *collector_start_with(collector_options options) {
  char default_reply[16];
  if (options.never_respond) {
    snprintf(default_reply, sizeof default_reply, "hang");
  } else {
    snprintf(default_reply, sizeof default_reply, "%d", options.status ? options.status : 200);
  }
  int to_child[2];
  int from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    fail("pipe");
  }
  /* The parent's ends must not leak into the collector (it would never see its input end). */
  fcntl(to_child[1], F_SETFD, FD_CLOEXEC);
  fcntl(from_child[0], F_SETFD, FD_CLOEXEC);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  char *arguments[] = {(char *)MT_FAULT_COLLECTOR, "--default", default_reply, NULL};
  mt_test_collector *collector = checked(calloc(1, sizeof *collector));
  int error = posix_spawn(&collector->pid, MT_FAULT_COLLECTOR, &actions, NULL, arguments, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    errno = error;
    fail("starting " MT_FAULT_COLLECTOR " (built by build_fault_collector in .ci/lib.sh)");
  }
  close(to_child[0]);
  close(from_child[1]);
  collector->to = checked(fdopen(to_child[1], "w"));
  collector->from = checked(fdopen(from_child[0], "r"));

  char *ready = NULL;
  size_t size = 0;
  if (getline(&ready, &size, collector->from) < 0) {
    fail("fault_collector did not start");
  }
  collector->port = (int)number_value(ready, "port");
  free(ready);
  snprintf(collector->endpoint, sizeof collector->endpoint, "http://127.0.0.1:%d/v1/events",
           collector->port);
  return collector;
}

mt_test_collector *collector_start(void) {
  collector_options defaults = {.status = 200, .never_respond = false};
  return collector_start_with(defaults);
}

int collector_port(const mt_test_collector *collector) { return collector->port; }

const char *collector_endpoint(const mt_test_collector *collector) { return collector->endpoint; }

size_t collector_count(mt_test_collector *collector) {
  refresh(collector);
  return collector->count;
}

static bool wait_stored(mt_test_collector *collector, size_t count, int timeout_ms);

bool collector_wait(mt_test_collector *collector, size_t count, int timeout_ms) {
  if (collector->reference) {
    return wait_stored(collector, count, timeout_ms);
  }
  char line[64];
  snprintf(line, sizeof line, "wait %zu %d", count, timeout_ms < 0 ? 0 : timeout_ms);
  char *answer = command(collector, line);
  bool arrived = strstr(answer, "\"ok\":true") != NULL;
  free(answer);
  return arrived;
}

static recorded_request *request_at(mt_test_collector *collector, size_t index) {
  if (index >= collector->count) {
    refresh(collector);
  }
  if (index >= collector->count) {
    fprintf(stderr, "test collector: no request %zu (%zu recorded)\n", index, collector->count);
    exit(2);
  }
  return &collector->requests[index];
}

/* What the reference collector stores is the batch, not the request that carried it. */
static const char *request_part(const char *part, const char *name) {
  if (part == NULL) {
    fprintf(stderr, "test collector: the reference collector does not record the %s\n", name);
    exit(2);
  }
  return part;
}

const char *collector_method(mt_test_collector *collector, size_t index) {
  return request_part(request_at(collector, index)->method, "method");
}

const char *collector_path(mt_test_collector *collector, size_t index) {
  return request_part(request_at(collector, index)->path, "path");
}

const char *collector_content_type(mt_test_collector *collector, size_t index) {
  return request_part(request_at(collector, index)->content_type, "content type");
}

const char *collector_user_agent(mt_test_collector *collector, size_t index) {
  return request_part(request_at(collector, index)->user_agent, "user agent");
}

const char *collector_authorization(mt_test_collector *collector, size_t index) {
  return request_part(request_at(collector, index)->authorization, "authorization");
}

const char *collector_body(mt_test_collector *collector, size_t index) {
  return request_at(collector, index)->body;
}

size_t collector_bodies_containing(mt_test_collector *collector, const char *needle) {
  refresh(collector);
  size_t found = 0;
  for (size_t index = 0; index < collector->count; index++) {
    found += strstr(collector->requests[index].body, needle) != NULL;
  }
  return found;
}

size_t collector_occurrences(mt_test_collector *collector, const char *needle) {
  refresh(collector);
  size_t found = 0;
  size_t length = strlen(needle);
  for (size_t index = 0; index < collector->count && length > 0; index++) {
    for (const char *at = collector->requests[index].body; (at = strstr(at, needle)) != NULL;
         at += length) {
      found++;
    }
  }
  return found;
}

void collector_stop(mt_test_collector *collector) {
  if (collector == NULL) {
    return;
  }
  if (collector->reference) {
    kill(collector->pid, SIGTERM);
    close(collector->stored_fd);
    free(collector->partial);
  } else {
    fputs("quit\n", collector->to);
    fclose(collector->to);
    fclose(collector->from);
  }
  int status = 0;
  while (waitpid(collector->pid, &status, 0) < 0 && errno == EINTR) {
  }
  for (size_t index = 0; index < collector->count; index++) {
    recorded_request *request = &collector->requests[index];
    free(request->method);
    free(request->path);
    free(request->content_type);
    free(request->user_agent);
    free(request->authorization);
    free(request->body);
  }
  free(collector->requests);
  free(collector);
}

/* Reads what the reference collector printed within `timeout_ms` (0: what is there now) and
 * records each whole line: the first announces the address, every other one is a stored batch.
 * Returns false when nothing came in time. */
static bool read_printed(mt_test_collector *collector, int timeout_ms) {
  struct pollfd ready = {.fd = collector->stored_fd, .events = POLLIN};
  int polled;
  while ((polled = poll(&ready, 1, timeout_ms)) < 0 && errno == EINTR) {
  }
  if (polled <= 0) {
    return false;
  }
  char chunk[65536];
  ssize_t got = read(collector->stored_fd, chunk, sizeof chunk);
  if (got <= 0) {
    fail("mycelium-collector stopped (or could not start: build_reference_collector in "
         ".ci/lib.sh builds " MT_REFERENCE_COLLECTOR ")");
  }
  collector->partial = checked(realloc(collector->partial, collector->partial_length + (size_t)got + 1));
  memcpy(collector->partial + collector->partial_length, chunk, (size_t)got);
  collector->partial_length += (size_t)got;
  collector->partial[collector->partial_length] = '\0';
  char *newline;
  while ((newline = strchr(collector->partial, '\n')) != NULL) {
    *newline = '\0';
    if (collector->port == 0) {
      const char *colon = strrchr(collector->partial, ':');
      if (strstr(collector->partial, "listening on") == NULL || colon == NULL) {
        fprintf(stderr, "test collector: unexpected first line: %s\n", collector->partial);
        exit(2);
      }
      collector->port = atoi(colon + 1);
    } else {
      collector->requests =
          checked(realloc(collector->requests, (collector->count + 1) * sizeof *collector->requests));
      collector->requests[collector->count] =
          (recorded_request){.body = checked(strdup(collector->partial))};
      collector->count++;
    }
    size_t rest = collector->partial_length - (size_t)(newline + 1 - collector->partial);
    memmove(collector->partial, newline + 1, rest + 1);
    collector->partial_length = rest;
  }
  return true;
}

static void read_stored(mt_test_collector *collector, int timeout_ms) {
  while (read_printed(collector, timeout_ms)) {
    timeout_ms = 0;
  }
}

static bool wait_stored(mt_test_collector *collector, size_t count, int timeout_ms) {
  double deadline = now_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
  read_stored(collector, 0);
  while (collector->count < count) {
    double left = deadline - now_ms();
    if (left <= 0) {
      return false;
    }
    read_printed(collector, (int)left + 1);
  }
  return true;
}

mt_test_collector *collector_start_reference(const char *ingest_token) {
  int from_child[2];
  if (pipe(from_child) != 0) {
    fail("pipe");
  }
  fcntl(from_child[0], F_SETFD, FD_CLOEXEC);
  /* No rate limits: a test may send many batches at once from one address. */
  char *arguments[] = {(char *)MT_REFERENCE_COLLECTOR, "--listen", "127.0.0.1:0", "--storage",
                       "sqlite::memory:", "--print-stored", "--rate-per-address", "0",
                       "--rate-per-token", "0", NULL, NULL, NULL};
  if (ingest_token != NULL) {
    arguments[10] = "--ingest-token";
    arguments[11] = (char *)ingest_token;
  }
  mt_test_collector *collector = checked(calloc(1, sizeof *collector));
  collector->reference = true;
  pid_t parent = getpid();
  /* fork and exec rather than posix_spawn: the collector must die with a test that exits on a
   * failed check (nothing else would stop it, and ctest would wait for its output to close).
   * Between fork and exec only async-signal-safe calls. */
  collector->pid = fork();
  if (collector->pid < 0) {
    fail("fork");
  }
  if (collector->pid == 0) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ||
        dup2(from_child[1], STDOUT_FILENO) < 0) {
      _exit(127);
    }
    execve(MT_REFERENCE_COLLECTOR, arguments, environ);
    _exit(127);
  }
  close(from_child[1]);
  collector->stored_fd = from_child[0];
  double deadline = now_ms() + 60000.0;
  while (collector->port == 0) {
    if (now_ms() > deadline) {
      fail("mycelium-collector did not say where it listens");
    }
    read_printed(collector, 1000);
  }
  snprintf(collector->endpoint, sizeof collector->endpoint, "http://127.0.0.1:%d/v1/events",
           collector->port);
  return collector;
}

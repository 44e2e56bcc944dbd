#define _POSIX_C_SOURCE 200809L

#include "collector.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A request that stalls longer than this is dropped, so a broken client cannot wedge the tests. */
#define READ_TIMEOUT_MS 10000
#define MAX_HEADER_BYTES (64 * 1024)
#define MAX_BODY_BYTES (16 * 1024 * 1024)

typedef struct recorded_request {
  char *method;
  char *path;
  char *content_type;
  char *user_agent;
  char *body;
} recorded_request;

struct mt_test_collector {
  collector_options options;
  int listen_fd;
  int wake_pipe[2];
  int port;
  char endpoint[64];
  pthread_t thread;

  pthread_mutex_t lock;
  pthread_cond_t arrived;
  recorded_request *requests;
  size_t count;
  size_t capacity;

  /* Connections held open in never_respond mode; touched only by the server thread until it is
   * joined. */
  int *held;
  size_t held_count;
  size_t held_capacity;
};

static void die(const char *what) {
  fprintf(stderr, "test collector: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void *checked_realloc(void *pointer, size_t size) {
  void *grown = realloc(pointer, size);
  if (grown == NULL) {
    fprintf(stderr, "test collector: out of memory\n");
    exit(2);
  }
  return grown;
}

static char *copy_text(const char *start, size_t length) {
  char *text = checked_realloc(NULL, length + 1);
  memcpy(text, start, length);
  text[length] = '\0';
  return text;
}

/* Waits for `fd` to become readable; false if the collector is stopping or the peer stalled. */
static bool wait_readable(mt_test_collector *collector, int fd) {
  for (;;) {
    struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
                            {.fd = collector->wake_pipe[0], .events = POLLIN}};
    int ready = poll(fds, 2, READ_TIMEOUT_MS);
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    return ready > 0 && fds[1].revents == 0 && fds[0].revents != 0;
  }
}

/* Reads into `*buffer` until it holds at least `wanted` bytes. False on EOF, error or stop. */
static bool read_at_least(mt_test_collector *collector, int fd, char **buffer, size_t *length,
                          size_t *capacity, size_t wanted) {
  while (*length < wanted) {
    if (*capacity < wanted + 1) {
      *capacity = wanted + 1;
      *buffer = checked_realloc(*buffer, *capacity);
    }
    if (!wait_readable(collector, fd)) {
      return false;
    }
    ssize_t got = recv(fd, *buffer + *length, *capacity - 1 - *length, 0);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    *length += (size_t)got;
    (*buffer)[*length] = '\0';
  }
  return true;
}

/* The value of header `name` in the header block `headers` (one "Name: value\r\n" per line),
 * or NULL. */
static char *header_value(const char *headers, const char *name) {
  size_t name_length = strlen(name);
  for (const char *line = headers; line != NULL && *line != '\0';) {
    const char *end = strstr(line, "\r\n");
    if (end == NULL || end == line) {
      break;
    }
    if ((size_t)(end - line) > name_length && line[name_length] == ':' &&
        strncasecmp(line, name, name_length) == 0) {
      const char *value = line + name_length + 1;
      while (*value == ' ' || *value == '\t') {
        value++;
      }
      return copy_text(value, (size_t)(end - value));
    }
    line = end + 2;
  }
  return NULL;
}

static void record(mt_test_collector *collector, recorded_request request) {
  pthread_mutex_lock(&collector->lock);
  if (collector->count == collector->capacity) {
    collector->capacity = collector->capacity ? collector->capacity * 2 : 16;
    collector->requests =
        checked_realloc(collector->requests, collector->capacity * sizeof *collector->requests);
  }
  collector->requests[collector->count++] = request;
  pthread_cond_broadcast(&collector->arrived);
  pthread_mutex_unlock(&collector->lock);
}

static void answer(const mt_test_collector *collector, int fd) {
  int status = collector->options.status ? collector->options.status : 200;
  const char *reason = status == 200 ? "OK" : status == 400 ? "Bad Request" : "Status";
  char response[160];
  int length = snprintf(response, sizeof response,
                        "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        status, reason);
  /* MSG_NOSIGNAL: a client that already hung up must not kill the test with SIGPIPE. */
  (void)send(fd, response, (size_t)length, MSG_NOSIGNAL);
}

static void hold(mt_test_collector *collector, int fd) {
  if (collector->held_count == collector->held_capacity) {
    collector->held_capacity = collector->held_capacity ? collector->held_capacity * 2 : 8;
    collector->held =
        checked_realloc(collector->held, collector->held_capacity * sizeof *collector->held);
  }
  collector->held[collector->held_count++] = fd;
}

/* Reads one whole request from `fd`. False (nothing allocated) if it is malformed, stalls, is
 * cut short or the collector is stopping. */
static bool read_request(mt_test_collector *collector, int fd, recorded_request *request) {
  size_t capacity = 4096;
  size_t length = 0;
  char *buffer = checked_realloc(NULL, capacity);
  buffer[0] = '\0';
  char *header_end;
  while ((header_end = strstr(buffer, "\r\n\r\n")) == NULL) {
    if (length >= MAX_HEADER_BYTES ||
        !read_at_least(collector, fd, &buffer, &length, &capacity, length + 1)) {
      free(buffer);
      return false;
    }
  }
  size_t headers_length = (size_t)(header_end - buffer) + 4;

  char *request_line_end = strstr(buffer, "\r\n");
  char *method_end = memchr(buffer, ' ', (size_t)(request_line_end - buffer));
  char *path_end = method_end == NULL ? NULL
                   : memchr(method_end + 1, ' ', (size_t)(request_line_end - method_end - 1));
  if (path_end == NULL) {
    free(buffer);
    return false;
  }
  /* Everything is taken from the header block before the body is read: reading it may move
   * `buffer`, and every pointer into it with it. */
  const char *headers = request_line_end + 2;
  char *content_length_text = header_value(headers, "Content-Length");
  size_t body_length = content_length_text ? strtoul(content_length_text, NULL, 10) : 0;
  free(content_length_text);
  char *content_type = header_value(headers, "Content-Type");
  char *user_agent = header_value(headers, "User-Agent");
  request->method = copy_text(buffer, (size_t)(method_end - buffer));
  request->path = copy_text(method_end + 1, (size_t)(path_end - method_end - 1));
  request->content_type = content_type ? content_type : copy_text("", 0);
  request->user_agent = user_agent ? user_agent : copy_text("", 0);
  if (body_length > MAX_BODY_BYTES ||
      !read_at_least(collector, fd, &buffer, &length, &capacity, headers_length + body_length)) {
    free(request->method);
    free(request->path);
    free(request->content_type);
    free(request->user_agent);
    free(buffer);
    return false;
  }
  request->body = copy_text(buffer + headers_length, body_length);
  free(buffer);
  return true;
}

static void serve(mt_test_collector *collector, int fd) {
  recorded_request request;
  if (!read_request(collector, fd, &request)) {
    close(fd);
    return;
  }
  record(collector, request);
  if (collector->options.never_respond) {
    hold(collector, fd);
    return;
  }
  answer(collector, fd);
  close(fd);
}

static void *serve_until_stopped(void *argument) {
  mt_test_collector *collector = argument;
  for (;;) {
    struct pollfd fds[2] = {{.fd = collector->listen_fd, .events = POLLIN},
                            {.fd = collector->wake_pipe[0], .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      die("poll");
    }
    if (fds[1].revents != 0) {
      return NULL;
    }
    int connection = accept(collector->listen_fd, NULL, NULL);
    if (connection >= 0) {
      serve(collector, connection);
    }
  }
}

mt_test_collector *collector_start(void) {
  collector_options defaults = {.status = 200, .never_respond = false};
  return collector_start_with(defaults);
}

mt_test_collector *collector_start_with(collector_options options) {
  mt_test_collector *collector = checked_realloc(NULL, sizeof *collector);
  memset(collector, 0, sizeof *collector);
  collector->options = options;

  collector->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (collector->listen_fd < 0) {
    die("socket");
  }
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(collector->listen_fd, (struct sockaddr *)&address, sizeof address) != 0) {
    die("bind 127.0.0.1:0");
  }
  if (listen(collector->listen_fd, 16) != 0) {
    die("listen");
  }
  socklen_t address_length = sizeof address;
  if (getsockname(collector->listen_fd, (struct sockaddr *)&address, &address_length) != 0) {
    die("getsockname");
  }
  collector->port = ntohs(address.sin_port);
  snprintf(collector->endpoint, sizeof collector->endpoint, "http://127.0.0.1:%d/v1/events",
           collector->port);

  if (pipe(collector->wake_pipe) != 0) {
    die("pipe");
  }
  pthread_condattr_t condition_attributes;
  pthread_condattr_init(&condition_attributes);
  pthread_condattr_setclock(&condition_attributes, CLOCK_MONOTONIC);
  pthread_cond_init(&collector->arrived, &condition_attributes);
  pthread_condattr_destroy(&condition_attributes);
  pthread_mutex_init(&collector->lock, NULL);

  errno = pthread_create(&collector->thread, NULL, serve_until_stopped, collector);
  if (errno != 0) {
    die("pthread_create");
  }
  return collector;
}

int collector_port(const mt_test_collector *collector) { return collector->port; }

const char *collector_endpoint(const mt_test_collector *collector) { return collector->endpoint; }

size_t collector_count(mt_test_collector *collector) {
  pthread_mutex_lock(&collector->lock);
  size_t count = collector->count;
  pthread_mutex_unlock(&collector->lock);
  return count;
}

bool collector_wait(mt_test_collector *collector, size_t count, int timeout_ms) {
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&collector->lock);
  int waited = 0;
  while (collector->count < count && waited != ETIMEDOUT) {
    waited = pthread_cond_timedwait(&collector->arrived, &collector->lock, &deadline);
  }
  bool reached = collector->count >= count;
  pthread_mutex_unlock(&collector->lock);
  return reached;
}

/* A copy of the record: the array may move as requests arrive, the strings it points to never
 * change or move until collector_stop. */
static recorded_request request_at(mt_test_collector *collector, size_t index) {
  pthread_mutex_lock(&collector->lock);
  if (index >= collector->count) {
    fprintf(stderr, "test collector: request %zu asked for, only %zu recorded\n", index,
            collector->count);
    exit(2);
  }
  recorded_request request = collector->requests[index];
  pthread_mutex_unlock(&collector->lock);
  return request;
}

const char *collector_method(mt_test_collector *collector, size_t index) {
  return request_at(collector, index).method;
}

const char *collector_path(mt_test_collector *collector, size_t index) {
  return request_at(collector, index).path;
}

const char *collector_content_type(mt_test_collector *collector, size_t index) {
  return request_at(collector, index).content_type;
}

const char *collector_user_agent(mt_test_collector *collector, size_t index) {
  return request_at(collector, index).user_agent;
}

const char *collector_body(mt_test_collector *collector, size_t index) {
  return request_at(collector, index).body;
}

size_t collector_bodies_containing(mt_test_collector *collector, const char *needle) {
  size_t matching = 0;
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    if (strstr(collector_body(collector, index), needle) != NULL) {
      matching++;
    }
  }
  return matching;
}

size_t collector_occurrences(mt_test_collector *collector, const char *needle) {
  size_t occurrences = 0;
  size_t needle_length = strlen(needle);
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count && needle_length > 0; index++) {
    for (const char *found = strstr(collector_body(collector, index), needle); found != NULL;
         found = strstr(found + needle_length, needle)) {
      occurrences++;
    }
  }
  return occurrences;
}

void collector_stop(mt_test_collector *collector) {
  if (collector == NULL) {
    return;
  }
  while (write(collector->wake_pipe[1], "x", 1) < 0 && errno == EINTR) {
  }
  pthread_join(collector->thread, NULL);
  for (size_t index = 0; index < collector->held_count; index++) {
    close(collector->held[index]);
  }
  free(collector->held);
  close(collector->listen_fd);
  close(collector->wake_pipe[0]);
  close(collector->wake_pipe[1]);
  for (size_t index = 0; index < collector->count; index++) {
    recorded_request *request = &collector->requests[index];
    free(request->method);
    free(request->path);
    free(request->content_type);
    free(request->user_agent);
    free(request->body);
  }
  free(collector->requests);
  pthread_cond_destroy(&collector->arrived);
  pthread_mutex_destroy(&collector->lock);
  free(collector);
}

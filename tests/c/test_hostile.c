/*
 * Input no sane host sends, on an enabled client posting to a real collector: strings cut by an
 * embedded NUL, 10 MB strings in every string argument, JSON nested 100,000 deep, metadata with
 * 10,000 keys, numbers at the edge of what a double holds. Each call returns its documented
 * status promptly, and what reaches the collector is bounded: messages 1 KiB, stack traces
 * 8 KiB, names and string values 128 bytes, at most 32 keys per object.
 */
#define _POSIX_C_SOURCE 200809L

#include <float.h>

#include "test_support.h"

#define HUGE_BYTES (10u * 1024u * 1024u)
/* The limits documented in docs/privacy.md (src/anonymize/limits.rs). */
#define MAX_MESSAGE_BYTES 1024u
#define MAX_STACK_TRACE_BYTES (8u * 1024u)
#define MAX_NAME_BYTES 128u
#define MAX_FIELDS 32u
#define TRUNCATION_MARKER "\xe2\x80\xa6[truncated]"
/* A batch of a few bounded events is a few KiB; anything near this means a field got through
 * unbounded. */
#define MAX_BODY_BYTES (64u * 1024u)
/* A track call copies and checks its input, nothing more. Generous for loaded machines and
 * sanitizers; it catches a call doing the sender's work (scrubbing, hashing) or worse. */
#define PROMPT_MS 2000.0
#define FLUSH_MS 30000u

/* The extra metadata keys the client allows, on top of the six built-in ones. */
#define EXTRA_KEY_COUNT 32
#define EXTRA_KEY_FORMAT "extra_%02d"

#define CHECK_PROMPT_OK(call)                                                          \
  do {                                                                                 \
    double started_ = test_now_ms();                                                   \
    CHECK_STATUS(call, MT_OK);                                                         \
    double took_ = test_now_ms() - started_;                                           \
    if (took_ > PROMPT_MS * test_time_scale()) {                                       \
      fprintf(stderr, "%s:%d: %s took %.0f ms\n", __FILE__, __LINE__, #call, took_);   \
      exit(1);                                                                         \
    }                                                                                  \
  } while (0)

static void *checked_malloc(size_t size) {
  void *memory = malloc(size);
  CHECK(memory != NULL);
  return memory;
}

/* `bytes` of ordinary words: whitespace lets the scrubber keep a prefix, so the bound (and its
 * truncation marker) is what limits the field, not an empty result. */
static char *huge_text(void) {
  static const char words[] = "lorem ipsum dolor sit amet ";
  char *text = checked_malloc(HUGE_BYTES + 1);
  for (size_t index = 0; index < HUGE_BYTES; index++) {
    text[index] = words[index % (sizeof words - 1)];
  }
  text[HUGE_BYTES] = '\0';
  return text;
}

/* `{"<key>":"<value>"}`, or `{"<value>":"v"}` when key is NULL. */
static char *json_object_with(const char *key, const char *value) {
  size_t size = strlen(value) + (key ? strlen(key) : 1) + 16;
  char *json = checked_malloc(size);
  if (key != NULL) {
    snprintf(json, size, "{\"%s\":\"%s\"}", key, value);
  } else {
    snprintf(json, size, "{\"%s\":\"v\"}", value);
  }
  return json;
}

static uint64_t enqueued(const mt_client *client) {
  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  return stats.enqueued;
}

/* End of the JSON string starting at `text` (just after its opening quote). */
static const char *string_end(const char *text) {
  while (*text != '\0' && *text != '"') {
    text += (*text == '\\' && text[1] != '\0') ? 2 : 1;
  }
  return text;
}

/* The longest string value stored under `"key":` in any recorded body, as raw JSON text (for
 * the ASCII and UTF-8 text used here, raw length is byte length). NULL if there is none. */
static const char *longest_string_value(mt_test_collector *collector, const char *key,
                                        size_t *length) {
  char pattern[160];
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *longest = NULL;
  *length = 0;
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    for (const char *found = strstr(collector_body(collector, index), pattern); found != NULL;
         found = strstr(found + 1, pattern)) {
      const char *value = found + strlen(pattern);
      size_t value_length = (size_t)(string_end(value) - value);
      if (longest == NULL || value_length > *length) {
        longest = value;
        *length = value_length;
      }
    }
  }
  return longest;
}

/* Checks that the longest value under `key` was cut: within `bound` bytes, ending in the marker. */
static void check_cut_to(mt_test_collector *collector, const char *key, size_t bound) {
  size_t length;
  const char *value = longest_string_value(collector, key, &length);
  size_t marker_length = strlen(TRUNCATION_MARKER);
  if (value == NULL || length > bound || length < marker_length ||
      memcmp(value + length - marker_length, TRUNCATION_MARKER, marker_length) != 0) {
    fprintf(stderr, "\"%s\": longest value is %zu bytes, expected a cut to at most %zu: %.200s\n",
            key, length, bound, value ? value : "(none)");
    exit(1);
  }
}

/* The most keys any object stored under `"key":` has, across all recorded bodies. */
static size_t most_object_keys(mt_test_collector *collector, const char *key) {
  char pattern[160];
  snprintf(pattern, sizeof pattern, "\"%s\":{", key);
  size_t most = 0;
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    for (const char *found = strstr(collector_body(collector, index), pattern); found != NULL;
         found = strstr(found + 1, pattern)) {
      const char *cursor = found + strlen(pattern);
      size_t keys = *cursor == '}' ? 0 : 1;
      for (int depth = 1; *cursor != '\0' && depth > 0; cursor++) {
        if (*cursor == '"') {
          cursor = string_end(cursor + 1);
        } else if (*cursor == '{' || *cursor == '[') {
          depth++;
        } else if (*cursor == '}' || *cursor == ']') {
          depth--;
        } else if (*cursor == ',' && depth == 1) {
          keys++;
        }
      }
      most = keys > most ? keys : most;
    }
  }
  return most;
}

static void check_bodies_bounded(mt_test_collector *collector) {
  size_t count = collector_count(collector);
  for (size_t index = 0; index < count; index++) {
    size_t length = strlen(collector_body(collector, index));
    if (length > MAX_BODY_BYTES) {
      fprintf(stderr, "body %zu is %zu bytes: %.300s...\n", index, length,
              collector_body(collector, index));
      exit(1);
    }
  }
}

/* In C a string ends at its first NUL: whatever follows is not part of the argument and must
 * never reach the collector. */
static void embedded_nul(mt_client *client, mt_test_collector *collector) {
  static const char agent_id[] = "nul-agent\0after-nul-agent";
  static const char operation[] = "nul-op\0after-nul-op";
  static const char metadata[] = "{\"duration_ms\":7}\0{\"result_count\":\"after-nul-json\"}";
  static const char metric[] = "nul-metric\0after-nul-metric";
  static const char unit[] = "nul-unit\0after-nul-unit";
  static const char tags[] = "{\"region\":\"nul-eu\"}\0after-nul-tags";
  static const char error_type[] = "NulError\0after-nul-type";
  static const char message[] = "nul message\0after-nul-message";
  static const char trace[] = "nul trace\0after-nul-trace";
  static const char context[] = "{\"retry_count\":3}\0after-nul-context";

  uint64_t before = enqueued(client);
  CHECK_STATUS(mt_track_agent_usage(client, agent_id, operation, metadata), MT_OK);
  CHECK_STATUS(mt_track_performance(client, metric, 1.0, unit, tags), MT_OK);
  CHECK_STATUS(mt_track_error(client, error_type, message, trace, context), MT_OK);
  /* What the library sees of these is invalid, so they are refused. */
  static const char cut_json[] = "{\"duration_ms\":\0 7}";
  static const char cut_character[] = "caf\xc3\0\xa9";
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "op", cut_json), MT_ERR_INVALID_JSON);
  CHECK_STATUS(mt_track_agent_usage(client, "agent", cut_character, NULL), MT_ERR_INVALID_UTF8);
  CHECK(enqueued(client) == before + 3);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);

  check_sent_hash(collector, "agent_id_hash", "nul-agent");
  CHECK_SENT(collector, "\"operation\":\"nul-op\"");
  CHECK_SENT(collector, "\"metadata\":{\"duration_ms\":7}");
  CHECK_SENT(collector, "\"metric_name\":\"nul-metric\"");
  CHECK_SENT(collector, "\"unit\":\"nul-unit\"");
  CHECK_SENT(collector, "\"tags\":{\"region\":\"nul-eu\"}");
  CHECK_SENT(collector, "\"error_type\":\"NulError\"");
  CHECK_SENT(collector, "\"error_message\":\"nul message\"");
  CHECK_SENT(collector, "\"stack_trace\":\"nul trace\"");
  CHECK_SENT(collector, "\"context\":{\"retry_count\":3}");
  CHECK_NOT_SENT(collector, "after-nul");
}

/* 10 MB in each string argument, one call at a time, each flushed so that at most one huge
 * event is held at once. */
static void huge_strings(mt_client *client, mt_test_collector *collector) {
  char *huge = huge_text();
  uint64_t before = enqueued(client);

  CHECK_PROMPT_OK(mt_track_agent_usage(client, huge, "huge-agent-id", NULL));
  CHECK_PROMPT_OK(mt_track_agent_usage(client, "agent", huge, NULL));
  /* Under a key of any type the string is cut; under a typed key it is dropped. */
  char *metadata = json_object_with("extra_00", huge);
  CHECK_PROMPT_OK(mt_track_agent_usage(client, "agent", "huge-metadata-value", metadata));
  free(metadata);
  metadata = json_object_with("status_code", huge);
  CHECK_PROMPT_OK(mt_track_agent_usage(client, "agent", "huge-typed-value", metadata));
  free(metadata);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);

  CHECK_PROMPT_OK(mt_track_performance(client, huge, 1.0, NULL, NULL));
  CHECK_PROMPT_OK(mt_track_performance(client, "huge-unit", 1.0, huge, NULL));
  char *tags = json_object_with("region", huge);
  CHECK_PROMPT_OK(mt_track_performance(client, "huge-tag-value", 1.0, NULL, tags));
  free(tags);
  char *tag_key = json_object_with(NULL, huge);
  CHECK_PROMPT_OK(mt_track_performance(client, "huge-tag-key", 1.0, NULL, tag_key));
  free(tag_key);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);

  CHECK_PROMPT_OK(mt_track_error(client, huge, "huge-error-type", NULL, NULL));
  CHECK_PROMPT_OK(mt_track_error(client, "HugeMessage", huge, NULL, NULL));
  CHECK_PROMPT_OK(mt_track_error(client, "HugeTrace", "message", huge, NULL));
  char *context = json_object_with("extra_01", huge);
  CHECK_PROMPT_OK(mt_track_error(client, "HugeContext", "message", NULL, context));
  free(context);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.enqueued == before + 12);
  CHECK(stats.sent == stats.enqueued);

  /* The identifier is hashed whole, however long. */
  char *hash = mt_hash_identifier("test-salt", huge);
  CHECK(hash != NULL);
  char hash_field[96];
  snprintf(hash_field, sizeof hash_field, "\"agent_id_hash\":\"%s\"", hash);
  mt_string_free(hash);
  CHECK_SENT(collector, hash_field);
  free(huge);

  check_cut_to(collector, "operation", MAX_NAME_BYTES);
  check_cut_to(collector, "extra_00", MAX_NAME_BYTES);
  CHECK_SENT(collector, "\"operation\":\"huge-typed-value\",\"timestamp\"");
  check_cut_to(collector, "metric_name", MAX_NAME_BYTES);
  check_cut_to(collector, "unit", MAX_NAME_BYTES);
  check_cut_to(collector, "region", MAX_NAME_BYTES);
  check_cut_to(collector, "error_type", MAX_NAME_BYTES);
  check_cut_to(collector, "error_message", MAX_MESSAGE_BYTES);
  check_cut_to(collector, "stack_trace", MAX_STACK_TRACE_BYTES);
  check_cut_to(collector, "extra_01", MAX_NAME_BYTES);
  /* A tag whose name is 10 MB is no tag name: the event arrives without it, and no body is
   * anywhere near 10 MB. */
  CHECK_SENT(collector, "\"metric_name\":\"huge-tag-key\"");
  CHECK_NOT_SENT(collector, "\"tags\":{\"lorem ipsum");
  check_bodies_bounded(collector);
}

/* Nesting is refused at the door, before anything is parsed recursively. 64 levels are
 * documented as accepted (docs/c-api.md), so the boundary is checked on both sides. */
static char *nested(size_t depth, bool closed) {
  char *json = checked_malloc(depth * 6 + 8);
  char *cursor = json;
  for (size_t level = 0; level < depth; level++) {
    memcpy(cursor, level == 0 ? "{\"a\":" : "[", level == 0 ? 5 : 1);
    cursor += level == 0 ? 5 : 1;
  }
  memcpy(cursor, "1", 1);
  cursor++;
  for (size_t level = depth; closed && level > 0; level--) {
    *cursor++ = level == 1 ? '}' : ']';
  }
  *cursor = '\0';
  return json;
}

static char *nested_objects(size_t depth) {
  char *json = checked_malloc(depth * 6 + 8);
  char *cursor = json;
  for (size_t level = 0; level < depth; level++) {
    memcpy(cursor, "{\"a\":", 5);
    cursor += 5;
  }
  *cursor++ = '1';
  memset(cursor, '}', depth);
  cursor[depth] = '\0';
  return json;
}

static void check_all_json_arguments(mt_client *client, const char *json, mt_status expected) {
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "deep", json), expected);
  CHECK_STATUS(mt_track_performance(client, "deep", 1.0, NULL, json), expected);
  CHECK_STATUS(mt_track_error(client, "Deep", "message", NULL, json), expected);
}

static void deep_json(mt_client *client) {
  uint64_t before = enqueued(client);
  char *deepest[] = {nested(100000, true), nested(100000, false), nested_objects(100000),
                     nested(65, true), nested_objects(65)};
  for (size_t index = 0; index < sizeof deepest / sizeof deepest[0]; index++) {
    check_all_json_arguments(client, deepest[index], MT_ERR_INVALID_JSON);
    free(deepest[index]);
  }
  /* A bare array 100,000 deep is refused for being deep or for not being an object; either
   * way the parser must not recurse through it. */
  char *bare = checked_malloc(200001);
  memset(bare, '[', 100000);
  memset(bare + 100000, ']', 100000);
  bare[200000] = '\0';
  check_all_json_arguments(client, bare, MT_ERR_INVALID_JSON);
  free(bare);
  CHECK(enqueued(client) == before);

  char *deepest_accepted[] = {nested(64, true), nested_objects(64)};
  for (size_t index = 0; index < sizeof deepest_accepted / sizeof deepest_accepted[0];
       index++) {
    check_all_json_arguments(client, deepest_accepted[index], MT_OK);
    free(deepest_accepted[index]);
  }
  CHECK(enqueued(client) == before + 6);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);
}

/* 10,000 keys per object. 38 of the metadata keys are allowlisted (6 built in, 32 added), so
 * the 32-key bound, not the allowlist, is what limits what arrives. */
static char *many_keys(const char *key_format) {
  enum { KEY_COUNT = 10000 };
  size_t size = (size_t)KEY_COUNT * 32 + 512;
  char *json = checked_malloc(size);
  size_t used = (size_t)snprintf(json, size,
                                 "{\"duration_ms\":1,\"success\":true,\"retry_count\":2,"
                                 "\"cache_hit\":false,\"result_count\":3,\"status_code\":200");
  for (int index = 0; index < EXTRA_KEY_COUNT; index++) {
    used += (size_t)snprintf(json + used, size - used, ",\"" EXTRA_KEY_FORMAT "\":%d", index,
                             index);
  }
  for (int index = 6 + EXTRA_KEY_COUNT; index < KEY_COUNT; index++) {
    used += (size_t)snprintf(json + used, size - used, ",\"");
    used += (size_t)snprintf(json + used, size - used, key_format, index);
    used += (size_t)snprintf(json + used, size - used, "\":%d", index);
  }
  CHECK(used + 2 < size);
  memcpy(json + used, "}", 2);
  return json;
}

static void thousands_of_keys(mt_client *client, mt_test_collector *collector) {
  char *metadata = many_keys("filler_%05d");
  char *tags = many_keys("tag_%05d");
  CHECK_PROMPT_OK(mt_track_agent_usage(client, "agent", "many-keys", metadata));
  CHECK_PROMPT_OK(mt_track_performance(client, "many-keys", 1.0, NULL, tags));
  CHECK_PROMPT_OK(mt_track_error(client, "ManyKeys", "message", NULL, metadata));
  free(metadata);
  free(tags);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);
  CHECK_SENT(collector, "\"operation\":\"many-keys\"");
  CHECK_SENT(collector, "\"metric_name\":\"many-keys\"");
  CHECK_SENT(collector, "\"error_type\":\"ManyKeys\"");
  CHECK(most_object_keys(collector, "metadata") == MAX_FIELDS);
  CHECK(most_object_keys(collector, "tags") == MAX_FIELDS);
  CHECK(most_object_keys(collector, "context") == MAX_FIELDS);
  CHECK_NOT_SENT(collector, "filler_");
  check_bodies_bounded(collector);
}

/* Duplicate keys are valid JSON: accepted, and one value arrives. */
static void duplicate_keys(mt_client *client, mt_test_collector *collector) {
  CHECK_STATUS(mt_track_agent_usage(client, "agent", "duplicate-keys",
                                    "{\"duration_ms\":111,\"duration_ms\":222}"),
               MT_OK);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);
  CHECK_SENT(collector, "\"operation\":\"duplicate-keys\"");
  size_t first = collector_occurrences(collector, "\"duration_ms\":111");
  size_t second = collector_occurrences(collector, "\"duration_ms\":222");
  CHECK(first + second == 1);
}

/* Every finite double is a valid metric value, also at the edges of the type. */
static void extreme_finite_values(mt_client *client, mt_test_collector *collector) {
  CHECK_STATUS(mt_track_performance(client, "largest", DBL_MAX, NULL, NULL), MT_OK);
  CHECK_STATUS(mt_track_performance(client, "most-negative", -DBL_MAX, NULL, NULL), MT_OK);
  CHECK_STATUS(mt_track_performance(client, "smallest-subnormal", DBL_TRUE_MIN, NULL, NULL),
               MT_OK);
  CHECK_STATUS(mt_track_performance(client, "negative-zero", -0.0, NULL, NULL), MT_OK);
  CHECK_STATUS(mt_flush(client, FLUSH_MS), MT_OK);
  CHECK_SENT(collector, "\"value\":1.7976931348623157e+308");
  CHECK_SENT(collector, "\"value\":-1.7976931348623157e+308");
  CHECK_SENT(collector, "\"value\":5e-324");
  CHECK_SENT(collector, "\"metric_name\":\"negative-zero\"");
}

int main(void) {
  test_clear_telemetry_env();
  mt_test_collector *collector = collector_start();
  mt_config *config = test_enabled_config(collector);
  for (int index = 0; index < EXTRA_KEY_COUNT; index++) {
    char key[16];
    snprintf(key, sizeof key, EXTRA_KEY_FORMAT, index);
    CHECK_STATUS(mt_config_allow_metadata_key(config, key), MT_OK);
  }
  mt_client *client = mt_client_new(config);
  mt_config_free(config);
  CHECK(client != NULL);
  CHECK(mt_client_is_enabled(client));

  embedded_nul(client, collector);
  huge_strings(client, collector);
  deep_json(client);
  thousands_of_keys(client, collector);
  duplicate_keys(client, collector);
  extreme_finite_values(client, collector);

  mt_stats stats;
  CHECK_STATUS(mt_client_stats(client, &stats), MT_OK);
  CHECK(stats.sent == stats.enqueued);
  CHECK(stats.failed == 0 && stats.dropped == 0);
  mt_shutdown(client, 2000);
  collector_stop(collector);
  puts("hostile input: ok");
  return 0;
}

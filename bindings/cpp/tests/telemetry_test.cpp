// The C++ binding against a real HTTP collector on 127.0.0.1 (tests/c/collector.c).
#include <mycelium/telemetry.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "collector.h"

namespace telemetry = mycelium::telemetry;
using namespace std::literals;

namespace {

// sha256("alice@example.com" + "test-salt"), computed once with Python's hashlib.
constexpr const char* kAliceHash =
    "3226f6231ac5f91637090121edd8a2e6b99cf6aaad2d22713129098c0a765415";

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override { collector_ = collector_start(); }
  void TearDown() override { collector_stop(collector_); }

  telemetry::Config enabled_config() const {
    return telemetry::Config()
        .enabled(true)
        .endpoint(collector_endpoint(collector_))
        .salt("test-salt")
        .flush_interval(50ms);
  }

  std::string bodies() const {
    std::string all;
    for (std::size_t index = 0; index < collector_count(collector_); ++index) {
      all += collector_body(collector_, index);
      all += '\n';
    }
    return all;
  }

  mt_test_collector* collector_ = nullptr;
};

#define EXPECT_SENT(needle) EXPECT_NE(bodies().find(needle), std::string::npos) << bodies()
#define EXPECT_NOT_SENT(needle) EXPECT_EQ(bodies().find(needle), std::string::npos) << bodies()

TEST_F(CollectorTest, EventsArriveInTheWireFormatWithPersonalDataRemoved) {
  telemetry::Client client(enabled_config());
  ASSERT_TRUE(client.enabled());

  client.track_agent_usage("alice@example.com", "summarize",
                           {{"duration_ms", 12}, {"prompt", "secret prompt"}});
  client.track_performance("latency", 12.5, "ms", {{"user_id", "alice"}});
  client.track_error("ConnectionError",
                     "cannot open /home/alice/project/app.py for alice@example.com via "
                     "postgres://admin:hunter2@db/x",
                     "  File \"/home/alice/project/app.py\", line 42, in main",
                     {{"retry_count", 2}, {"hostname", "alice-laptop"}});
  client.track_system_info();
  ASSERT_TRUE(client.flush(10s));

  const telemetry::Stats stats = client.stats();
  EXPECT_EQ(stats.enqueued, 4u);
  EXPECT_EQ(stats.sent, 4u);
  EXPECT_EQ(stats.failed, 0u);
  ASSERT_EQ(collector_count(collector_), stats.batches_sent);
  for (std::size_t index = 0; index < collector_count(collector_); ++index) {
    EXPECT_STREQ(collector_method(collector_, index), "POST");
    EXPECT_STREQ(collector_path(collector_, index), "/v1/events");
    EXPECT_STREQ(collector_content_type(collector_, index), "application/json");
    EXPECT_EQ(collector_user_agent(collector_, index),
              "mycelium-telemetry/"s + std::string(telemetry::version()));
  }

  EXPECT_SENT("\"version\":\"1.0\"");
  EXPECT_SENT("\"agent_id_hash\":\""s + kAliceHash + "\"");
  EXPECT_SENT("\"metadata\":{\"duration_ms\":12}");
  EXPECT_SENT("\"user_id\":\"" + telemetry::hash_identifier("test-salt", "alice") + "\"");
  EXPECT_SENT("\"unit\":\"ms\"");
  EXPECT_SENT("<user>/project/app.py");
  EXPECT_SENT("<email>");
  EXPECT_SENT("postgres://<user>:<password>@db/x");
  EXPECT_SENT("\"context\":{\"retry_count\":2}");
  EXPECT_SENT("\"event_type\":\"system_info\"");
  EXPECT_NOT_SENT("alice");
  EXPECT_NOT_SENT("hunter2");
  EXPECT_NOT_SENT("secret prompt");
  EXPECT_NOT_SENT("test-salt");
}

TEST_F(CollectorTest, ATokenIsSentAsABearerHeaderOnly) {
  telemetry::Client client(enabled_config().token("ingest-7Hq.x"));
  client.track_agent_usage("agent", "summarize");
  ASSERT_TRUE(client.flush(10s));
  ASSERT_EQ(collector_count(collector_), 1u);
  EXPECT_STREQ(collector_authorization(collector_, 0), "Bearer ingest-7Hq.x");
  EXPECT_NOT_SENT("ingest-7Hq.x");
  try {
    telemetry::Client refused(telemetry::Config().token("has space"));
    ADD_FAILURE() << "a token with a space was accepted";
  } catch (const telemetry::Error& error) {
    EXPECT_NE(std::string(error.what()).find("Config::token"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("has space"), std::string::npos) << error.what();
  }
}

TEST(Spool, ShutdownWithZeroTimeoutSpoolsWithoutTouchingTheNetwork) {
  const std::filesystem::path state =
      std::filesystem::temp_directory_path() / ("mt-cpp-spool-" + std::to_string(getpid()));
  std::filesystem::remove_all(state);
  ASSERT_EQ(setenv("XDG_STATE_HOME", state.c_str(), 1), 0);
  {
    // Port 9 on loopback refuses connections: a collector that is down.
    telemetry::Client client(telemetry::Config()
                                 .enabled(true)
                                 .endpoint("http://127.0.0.1:9/v1/events")
                                 .salt("test-salt")
                                 .app_name("cppspool")
                                 .spool_max_bytes(1000000)
                                 .spool_max_age_days(7));
    for (int index = 0; index < 10; ++index) {
      client.track_agent_usage("agent", "op-" + std::to_string(index));
    }
    client.shutdown(0ms);
    EXPECT_EQ(client.counter(MT_COUNTER_SPOOLED), 10u);
    EXPECT_EQ(client.counter(MT_COUNTER_REPLAYED), 0u);
    EXPECT_EQ(client.stats().failed, 0u);
  }
  const auto spool = state / "mycelium" / "telemetry" / "spool" / "cppspool";
  std::size_t batches = 0;
  for (const auto& entry : std::filesystem::directory_iterator(spool)) {
    if (entry.path().extension() == ".json") {
      ++batches;
      EXPECT_EQ(entry.status().permissions() & std::filesystem::perms::all,
                std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
  }
  EXPECT_EQ(batches, 1u);
  unsetenv("XDG_STATE_HOME");
  std::filesystem::remove_all(state);
}

TEST_F(CollectorTest, InitializerListMetadataKeepsItsJsonTypes) {
  // Keys of any type, so that every JSON type can come back.
  telemetry::Client client(
      enabled_config().allow_metadata_key("signed").allow_metadata_key("nothing").allow_metadata_key(
          "text"));
  client.track_agent_usage("agent", "typed",
                           {{"duration_ms", 12.0},
                            {"success", true},
                            {"cache_hit", false},
                            {"retry_count", std::uint8_t{2}},
                            {"signed", -3},
                            {"nothing", nullptr},
                            {"not_allowlisted", "dropped"}});
  client.track_agent_usage("agent", "strings", {{"text", "quote\" backslash\\ nl\n \x01 é"}});
  ASSERT_TRUE(client.flush(10s));

  EXPECT_SENT("\"duration_ms\":12.0");  // a double stays a double
  EXPECT_SENT("\"success\":true");
  EXPECT_SENT("\"cache_hit\":false");
  EXPECT_SENT("\"retry_count\":2");  // an integer stays an integer
  EXPECT_NOT_SENT("\"retry_count\":2.0");
  EXPECT_SENT("\"signed\":-3");
  EXPECT_SENT("\"nothing\":null");
  EXPECT_NOT_SENT("not_allowlisted");
  // The library parsed our JSON and wrote the string back: escaping was right both ways.
  EXPECT_SENT("\"text\":\"quote\\\" backslash\\\\ nl\\n \\u0001 é\"");
  EXPECT_EQ(client.stats().sent, 2u);
}

TEST_F(CollectorTest, TypedKeysDropWrongTypedValuesAndKeepRightOnes) {
  telemetry::Client client(
      enabled_config()
          .allow_metadata_field("output_count", telemetry::ValueType::non_negative_integer)
          .allow_metadata_field("upstream_status", telemetry::ValueType::http_status_code));
  client.track_agent_usage("agent", "right",
                           {{"output_count", 7}, {"upstream_status", 503}, {"success", true}});
  client.track_agent_usage("agent", "wrong",
                           {{"output_count", "7"},
                            {"upstream_status", 42},
                            {"success", "yes"},
                            {"duration_ms", "41 ms for alice@example.com"}});
  ASSERT_TRUE(client.flush(10s));
  EXPECT_SENT("\"operation\":\"right\",\"metadata\":{");
  EXPECT_SENT("\"output_count\":7");
  EXPECT_SENT("\"upstream_status\":503");
  EXPECT_SENT("\"operation\":\"wrong\",\"timestamp\"");  // nothing survived
  EXPECT_NOT_SENT("\"7\"");
  EXPECT_NOT_SENT("41 ms");

  // Retyping a built-in key is refused when the client is created.
  try {
    telemetry::Client refused(
        enabled_config().allow_metadata_field("status_code", telemetry::ValueType::boolean));
    FAIL() << "retyping a built-in key must throw";
  } catch (const telemetry::Error& error) {
    EXPECT_EQ(error.status(), MT_ERR_INVALID_CONFIG_VALUE);
  }
}

TEST_F(CollectorTest, EachErrorDetailLevelChangesWhatArrives) {
  const char* trace =
      "Traceback (most recent call last):\n"
      "  File \"/home/alice/project/app.py\", line 42, in main\n"
      "    connect(password='hunter2')\n";
  const std::pair<telemetry::ErrorDetail, const char*> levels[] = {
      {telemetry::ErrorDetail::full, "full"},
      {telemetry::ErrorDetail::frames, "frames"},
      {telemetry::ErrorDetail::type, "type"},
  };
  for (const auto& [level, name] : levels) {
    telemetry::Client client(enabled_config().error_detail(level));
    client.track_error(std::string("E_") + name, "bad input from alice@example.com", trace);
    ASSERT_TRUE(client.flush(10s));
  }
  EXPECT_SENT("\"error_type\":\"E_full\",\"error_message\":\"bad input from <email>\","
              "\"stack_trace\":\"Traceback");
  EXPECT_SENT("\"error_type\":\"E_frames\",\"error_message\":\"\","
              "\"stack_trace\":\"app.py:42 in main\",");
  EXPECT_SENT("\"error_type\":\"E_type\",\"error_message\":\"\",\"timestamp\"");
  EXPECT_NOT_SENT("alice");
}

TEST_F(CollectorTest, ProtocolOtlpSendsOtlpLogs) {
  telemetry::set_runtime();
  telemetry::Client client(enabled_config()
                               .protocol(telemetry::Protocol::otlp)
                               .app_name("cpp-otlp")
                               .flush_interval(60s));
  client.track_error("E", "bad input from alice@example.com");
  client.track_system_info();
  ASSERT_TRUE(client.flush(10s));
  ASSERT_EQ(collector_count(collector_), 1u);
  EXPECT_SENT("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"cpp-otlp\"}}");
  EXPECT_SENT("{\"key\":\"telemetry.sdk.language\",\"value\":{\"stringValue\":\"cpp\"}}");
  EXPECT_SENT("\"eventName\":\"mycelium.error\"");
  EXPECT_SENT("\"eventName\":\"mycelium.system_info\"");
  EXPECT_SENT("\"severityNumber\":17");
  EXPECT_NOT_SENT("alice");
}

TEST_F(CollectorTest, FieldsCanBeBuiltFromAnyMapOfScalars) {
  const std::map<std::string, int> counters{{"retry_count", 3}, {"result_count", 7}};
  telemetry::Client client(enabled_config());
  client.track_agent_usage("agent", "from-map", telemetry::Fields(counters.begin(), counters.end()));
  ASSERT_TRUE(client.flush(10s));
  EXPECT_SENT("\"metadata\":{\"result_count\":7,\"retry_count\":3}");
}

TEST_F(CollectorTest, DestructorSendsWhatIsQueued) {
  {
    // Nothing would be sent for an hour but for the destructor's shutdown.
    telemetry::Client client(enabled_config().flush_interval(1h));
    client.track_agent_usage("agent", "tracked-just-before-destruction");
    EXPECT_EQ(collector_count(collector_), 0u);
  }
  EXPECT_EQ(collector_count(collector_), 1u);
  EXPECT_SENT("tracked-just-before-destruction");
}

TEST_F(CollectorTest, MovedFromClientIsInert) {
  telemetry::Client original(enabled_config());
  telemetry::Client moved(std::move(original));
  EXPECT_FALSE(original.enabled());  // NOLINT(bugprone-use-after-move): that is the test
  EXPECT_EQ(original.native_handle(), nullptr);
  EXPECT_NO_THROW(original.track_agent_usage("agent", "on-moved-from"));
  EXPECT_TRUE(original.flush(1s));
  EXPECT_EQ(original.stats().enqueued, 0u);

  EXPECT_TRUE(moved.enabled());
  moved.track_agent_usage("agent", "on-moved-to");
  ASSERT_TRUE(moved.flush(10s));
  EXPECT_SENT("on-moved-to");
  EXPECT_NOT_SENT("on-moved-from");
}

TEST_F(CollectorTest, MoveAssignmentShutsTheReplacedClientDown) {
  telemetry::Client target(enabled_config().flush_interval(1h));
  target.track_agent_usage("agent", "queued-in-replaced-client");
  telemetry::Client source(enabled_config());
  target = std::move(source);
  // The replaced client was shut down, which sent its queue.
  EXPECT_EQ(collector_count(collector_), 1u);
  EXPECT_SENT("queued-in-replaced-client");
  EXPECT_TRUE(target.enabled());
  EXPECT_FALSE(source.enabled());  // NOLINT(bugprone-use-after-move): that is the test
}

TEST_F(CollectorTest, ConcurrentTrackingFromManyThreads) {
  telemetry::Client client(enabled_config().batch_size(10));
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&client] {
      for (int event = 0; event < 25; ++event) {
        client.track_performance("latency", event, "ms", {{"worker_id", "w"}});
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  ASSERT_TRUE(client.flush(10s));
  EXPECT_EQ(client.stats().sent, 100u);
  EXPECT_EQ(client.stats().dropped, 0u);
}

void expect_caller_mistakes_throw(const telemetry::ClientRef& client) {
  const auto status_of = [](auto&& call) {
    try {
      call();
    } catch (const telemetry::Error& error) {
      return error.status();
    }
    return MT_OK;
  };
  EXPECT_EQ(status_of([&] { client.track_performance("m", std::nan(""), "ms"); }),
            MT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { client.track_performance("m", HUGE_VAL, "ms"); }),
            MT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { client.track_agent_usage("ali\0ce"sv, "op"); }),
            MT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { client.track_error("type", "bad \xff\xfe utf-8"); }),
            MT_ERR_INVALID_UTF8);
  EXPECT_EQ(status_of([&] { client.track_agent_usage("a", "op", {{"duration_ms", std::numeric_limits<double>::infinity()}}); }),
            MT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(status_of([&] { client.track_agent_usage("a", "op", {{"status_code", "\xc0\xaf"}}); }),
            MT_ERR_INVALID_UTF8);
  // Error is a std::invalid_argument, so generic handlers catch it too.
  EXPECT_THROW(client.track_agent_usage(std::string_view("\0", 1), "op"), std::invalid_argument);
}

TEST_F(CollectorTest, CallerMistakesThrowWhetherOrNotTelemetryIsEnabled) {
  telemetry::Client enabled(enabled_config());
  expect_caller_mistakes_throw(enabled);
  EXPECT_EQ(enabled.stats().enqueued, 0u);

  telemetry::Client disabled{telemetry::Config()};
  ASSERT_FALSE(disabled.enabled());
  expect_caller_mistakes_throw(disabled);
}

TEST(Config, OutOfRangeSettingsThrowWhenTheClientIsCreated) {
  const auto status_of = [](const telemetry::Config& config) {
    try {
      telemetry::Client client(config);
    } catch (const telemetry::Error& error) {
      return error.status();
    }
    return MT_OK;
  };
  EXPECT_EQ(status_of(telemetry::Config().timeout(0s)), MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().timeout(31s)), MT_ERR_INVALID_CONFIG_VALUE);
  // Out of uint32 range must not wrap around into a valid value.
  EXPECT_EQ(status_of(telemetry::Config().flush_interval(std::chrono::hours(1193 * 1000))),
            MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().flush_interval(-5ms)), MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().batch_size(0)), MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().retry_backoff(std::nan(""))),
            MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().endpoint("http://example.com/v1/events")),
            MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().salt("")), MT_ERR_INVALID_CONFIG_VALUE);
  EXPECT_EQ(status_of(telemetry::Config().timeout(30s).batch_size(1000)), MT_OK);
  // Text that C would read cut short is refused at once.
  EXPECT_THROW(telemetry::Config().endpoint("http://127.0.0.1\0evil"sv), telemetry::Error);
}

TEST_F(CollectorTest, CallsAfterShutdownDoNothing) {
  telemetry::Client client(enabled_config());
  client.track_agent_usage("agent", "before-shutdown");
  client.shutdown(2s);
  EXPECT_SENT("before-shutdown");
  EXPECT_FALSE(client.enabled());
  EXPECT_NO_THROW(client.track_agent_usage("agent", "after-shutdown"));
  EXPECT_NO_THROW(client.track_system_info());
  EXPECT_TRUE(client.flush(1s));  // nothing is pending
  // Caller mistakes still throw after shutdown: they are found before the client is asked.
  EXPECT_THROW(client.track_performance("latency", std::nan("")), telemetry::Error);
  EXPECT_NOT_SENT("after-shutdown");
  // The closed client keeps its final counters until the destructor frees it.
  EXPECT_EQ(client.stats().enqueued, 1u);
  EXPECT_EQ(client.stats().sent, 1u);
  EXPECT_NO_THROW(client.shutdown(1s));
}

TEST(Global, CallsOnTheShutDownGlobalClientDoNothing) {
  const telemetry::ClientRef global = telemetry::global();
  EXPECT_EQ(global.native_handle(), telemetry::global().native_handle());
  telemetry::shutdown_global(100ms);
  EXPECT_FALSE(global.enabled());
  EXPECT_NO_THROW(global.track_agent_usage("agent", "op"));
  EXPECT_TRUE(global.flush(10ms));
  EXPECT_EQ(global.stats().enqueued, 0u);
}

TEST(Network, TroubleNeverThrows) {
  mt_test_collector* gone = collector_start();
  const std::string endpoint = collector_endpoint(gone);
  collector_stop(gone);  // nothing listens on that port any more

  telemetry::Client client(
      telemetry::Config().enabled(true).endpoint(endpoint).salt("s").retry_attempts(0));
  EXPECT_NO_THROW(client.track_agent_usage("agent", "op"));
  EXPECT_NO_THROW(EXPECT_TRUE(client.flush(10s)));  // given up on counts as done
  EXPECT_EQ(client.stats().failed, 1u);
  EXPECT_EQ(client.stats().sent, 0u);
}

TEST_F(CollectorTest, ShutdownWhileOtherThreadsTrackIsSafe) {
  telemetry::Client client(enabled_config().queue_capacity(100000));
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 3; ++thread) {
    threads.emplace_back([&] {
      try {
        for (int event = 0; event < 20000; ++event) {
          // A call that comes after the shutdown does nothing.
          client.track_agent_usage("agent", "racing", {{"retry_count", event}});
        }
      } catch (...) {
        failed = true;
      }
    });
  }
  while (client.stats().enqueued < 100) {
    std::this_thread::yield();
  }
  client.shutdown(5s);
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_FALSE(failed);
  const telemetry::Stats stats = client.stats();
  // No call threw; the counters stay consistent.
  EXPECT_LE(stats.enqueued, 60000u);
  client.track_agent_usage("agent", "late");
  EXPECT_EQ(client.stats().enqueued, stats.enqueued) << "a call after the shutdown is not queued";
  EXPECT_GT(stats.sent, 0u);
  EXPECT_LE(stats.sent + stats.dropped + stats.failed, stats.enqueued);
}

/// A file path under the temporary directory, removed when the test ends.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("mt-cpp-" + std::to_string(getpid()) + "-" + name)) {
    std::filesystem::remove(path_);
  }
  ~TemporaryFile() { std::filesystem::remove(path_); }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  std::string path() const { return path_.string(); }
  std::string read() const {
    std::ifstream file(path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  std::filesystem::path path_;
};

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST_F(CollectorTest, OutputFileWritesEachBatchAsAJsonLineAndSendsNothing) {
  const TemporaryFile output("batches.jsonl");
  {
    // The collector is the endpoint too: local-only mode must not reach it.
    telemetry::Client client(enabled_config().flush_interval(1h).output_file(output.path()));
    client.track_agent_usage("alice@example.com", "summarize",
                             {{"duration_ms", 12}, {"prompt", "secret prompt"}});
    client.track_error("DatabaseError",
                       "alice@example.com could not reach postgres://admin:hunter2@db/x");
    ASSERT_TRUE(client.flush(10s));  // the first batch: both events
    client.track_performance("latency", 12.5, "ms", {{"session_id", "s-1"}});
    ASSERT_TRUE(client.flush(10s));  // the second: one event
    const telemetry::Stats stats = client.stats();
    EXPECT_EQ(stats.enqueued, 3u);
    EXPECT_EQ(stats.sent, 3u);
    EXPECT_EQ(stats.batches_sent, 2u);
  }

  const std::string text = output.read();
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_EQ(occurrences(lines[0], "\"event_type\":"), 2u) << lines[0];
  EXPECT_EQ(occurrences(lines[1], "\"event_type\":"), 1u) << lines[1];
  for (const std::string& line : lines) {
    EXPECT_EQ(line.front(), '{') << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_EQ(occurrences(line, "\"version\":\"1.0\""), 1u) << line;
  }
  EXPECT_NE(lines[0].find("\"agent_id_hash\":\""s + kAliceHash + "\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"metadata\":{\"duration_ms\":12}"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("<email> could not reach postgres://<user>:<password>@db/x"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("\"metric_name\":\"latency\""), std::string::npos) << lines[1];
  for (const char* secret : {"alice", "hunter2", "secret prompt", "test-salt"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  const auto permissions = std::filesystem::status(output.path()).permissions();
  EXPECT_EQ(permissions, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::this_thread::sleep_for(200ms);  // anything sent would have arrived by now
  EXPECT_EQ(collector_count(collector_), 0u);

  EXPECT_THROW(telemetry::Client(telemetry::Config().output_file("")), telemetry::Error);
}

// A CA certificate (made with openssl, valid until 2126) for the ca_file setting.
constexpr const char* kCaCertificate = R"(-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUE7vvqykmLoDUeSrbZtqj01iMi0YwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwObXQgY3BwIHRlc3QgQ0EwIBcNMjYxMTI1MjAyNTE5WhgPMjEy
NjExMDEyMDI1MTlaMBkxFzAVBgNVBAMMDm10IGNwcCB0ZXN0IENBMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEhPZwhihEX1nzbQTO+Y+Z2YMSK9pqCMNtTYh3sweb
A5JtPA8HektrFAMltFjjDGLWx8nDJq3/OgI9Q0U98gAwb6NjMGEwHQYDVR0OBBYE
FLLo2R88AHNQDR4T72nxjAzAKW1qMB8GA1UdIwQYMBaAFLLo2R88AHNQDR4T72nx
jAzAKW1qMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49
BAMCA0gAMEUCIDwNvaS+pQBN3pOVZu92vQL4/KNhS/av5PxejTO/t/wdAiEA+cRy
z/nW4lepLoGjMejaY88qWbKaBylOQadQL5Tf1Qw=
-----END CERTIFICATE-----
)";

TEST(Config, CaFileMustHoldACertificate) {
  const TemporaryFile ca("ca.pem");
  std::ofstream(ca.path()) << kCaCertificate;
  telemetry::Client client(telemetry::Config()
                               .enabled(true)
                               .endpoint("https://telemetry.example.com/v1/events")
                               .salt("test-salt")
                               .ca_file(ca.path()));
  EXPECT_TRUE(client.enabled());
  client.shutdown(0ms);

  const TemporaryFile junk("junk.pem");
  std::ofstream(junk.path()) << "not a certificate";
  for (const std::string& path : {junk.path(), ca.path() + ".missing"}) {
    try {
      telemetry::Client refused(telemetry::Config().ca_file(path));
      ADD_FAILURE() << "ca_file " << path << " was accepted";
    } catch (const telemetry::Error& error) {
      EXPECT_EQ(error.status(), MT_ERR_INVALID_CONFIG_VALUE);
      EXPECT_NE(std::string(error.what()).find("Config::ca_file"), std::string::npos) << error.what();
    }
  }
}

TEST(Config, DebugPrintsEachOutgoingBatchToStderr) {
  for (const bool debug : {true, false}) {
    const TemporaryFile output(debug ? "debug-on.jsonl" : "debug-off.jsonl");
    testing::internal::CaptureStderr();
    {
      telemetry::Client client(telemetry::Config()
                                   .enabled(true)
                                   .salt("test-salt")
                                   .output_file(output.path())
                                   .debug(debug));
      client.track_agent_usage("alice@example.com", "summarize");
      EXPECT_TRUE(client.flush(10s));
    }
    const std::string stderr_text = testing::internal::GetCapturedStderr();
    const std::string batch = output.read();
    ASSERT_FALSE(batch.empty());
    // The batch exactly as written (and as it would have been sent), on the debug line.
    const std::string expected_line = "outgoing batch: " + batch.substr(0, batch.size() - 1);
    EXPECT_EQ(stderr_text.find(expected_line) != std::string::npos, debug) << stderr_text;
    EXPECT_EQ(occurrences(stderr_text, "outgoing batch"), debug ? 1u : 0u) << stderr_text;
  }
}

TEST(Environment, DisabledUnlessTheUserOptedIn) {
  for (const char* name : {"TELEMETRY_ENABLED", "DO_NOT_TRACK", "TELEMETRY_ENDPOINT"}) {
    ASSERT_EQ(unsetenv(name), 0);
  }
  telemetry::Client client = telemetry::Client::from_env();
  EXPECT_FALSE(client.enabled());
  EXPECT_NO_THROW(client.track_agent_usage("agent", "op", {{"duration_ms", 1}}));
  EXPECT_TRUE(client.flush(1s));
  EXPECT_EQ(client.stats().enqueued, 0u);
  EXPECT_FALSE(telemetry::global().enabled());

  ASSERT_EQ(setenv("TELEMETRY_ENABLED", "1", 1), 0);
  ASSERT_EQ(setenv("DO_NOT_TRACK", "1", 1), 0);
  EXPECT_FALSE(telemetry::Client::from_env().enabled());
}

TEST_F(CollectorTest, SetRuntimeNamesTheCxxStandard) {
  telemetry::set_runtime();
  telemetry::Client client(enabled_config());
  client.track_system_info();
  ASSERT_TRUE(client.flush(10s));
  EXPECT_SENT("\"runtime\":\"c++ " + std::to_string(__cplusplus) + "\"");
  EXPECT_THROW(telemetry::set_runtime(""), telemetry::Error);
}

TEST(Anonymizer, WrappersReturnOwnedStrings) {
  EXPECT_EQ(telemetry::hash_identifier("test-salt", "alice@example.com"), kAliceHash);
  EXPECT_EQ(telemetry::anonymize_path("/home/alice/project/app.py"), "<user>/project/app.py");
  EXPECT_EQ(telemetry::anonymize_message("mail alice@example.com"), "mail <email>");
  const std::string trace = telemetry::anonymize_stack_trace(
      "  File \"/home/alice/project/app.py\", line 42, in main");
  EXPECT_NE(trace.find("<user>/project/app.py"), std::string::npos) << trace;
  EXPECT_NE(trace.find("line 42, in main"), std::string::npos) << trace;
  EXPECT_THROW(telemetry::anonymize_message("cut\0short"sv), telemetry::Error);
  EXPECT_THROW(telemetry::hash_identifier("salt", "\xff"), telemetry::Error);
}

TEST(Version, MatchesTheHeader) {
  const std::string expected = std::to_string(MT_VERSION_MAJOR) + "." +
                               std::to_string(MT_VERSION_MINOR) + "." +
                               std::to_string(MT_VERSION_PATCH);
  EXPECT_EQ(telemetry::version(), expected);
}

TEST(Value, ScalarsConvertToTheRightAlternative) {
  using telemetry::Value;
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(Value(12).variant()));
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(Value(12u).variant()));
  EXPECT_TRUE(std::holds_alternative<double>(Value(1.5f).variant()));
  EXPECT_TRUE(std::holds_alternative<bool>(Value(true).variant()));
  EXPECT_TRUE(std::holds_alternative<std::string>(Value("text").variant()));
  EXPECT_TRUE(std::holds_alternative<std::string>(Value("text"s).variant()));
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(Value().variant()));
  static_assert(!std::is_constructible_v<Value, int*>, "pointers must not turn into bools");
  EXPECT_THROW(Value(std::numeric_limits<std::uint64_t>::max()), telemetry::Error);
  EXPECT_THROW(Value(static_cast<const char*>(nullptr)), telemetry::Error);
}

}  // namespace

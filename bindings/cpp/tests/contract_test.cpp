// The C++ binding against bindings/contract.json: statuses handled as the contract says, every
// numeric option taking the contract's range, and the log callback.
#include <mycelium/telemetry.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <unistd.h>

namespace telemetry = mycelium::telemetry;
using namespace std::literals;

namespace {

// A JSON value, enough of JSON to read the contract: objects, arrays, strings (with the simple
// escapes), numbers, true, false, null.
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, std::vector<Json>, std::map<std::string, Json>>
      value;

  const Json& operator[](const std::string& key) const {
    static const Json missing{nullptr};
    const auto& object = std::get<std::map<std::string, Json>>(value);
    const auto found = object.find(key);
    return found == object.end() ? missing : found->second;
  }
  const std::vector<Json>& array() const { return std::get<std::vector<Json>>(value); }
  const std::string& text() const { return std::get<std::string>(value); }
  double number() const { return std::get<double>(value); }
  bool has(const std::string& key) const {
    return std::get<std::map<std::string, Json>>(value).count(key) == 1;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string text) : text_(std::move(text)) {}

  Json read() {
    skip_space();
    const char next = text_.at(at_);
    if (next == '{') return read_object();
    if (next == '[') return read_array();
    if (next == '"') return Json{read_string()};
    if (text_.compare(at_, 4, "true") == 0) return at_ += 4, Json{true};
    if (text_.compare(at_, 5, "false") == 0) return at_ += 5, Json{false};
    if (text_.compare(at_, 4, "null") == 0) return at_ += 4, Json{nullptr};
    std::size_t used = 0;
    const double number = std::stod(text_.substr(at_, 32), &used);
    at_ += used;
    return Json{number};
  }

 private:
  Json read_object() {
    std::map<std::string, Json> object;
    ++at_;
    while (skip_space(), text_.at(at_) != '}') {
      std::string key = read_string();
      skip_space();
      ++at_;  // ':'
      object.emplace(std::move(key), read());
      skip_space();
      if (text_.at(at_) == ',') ++at_;
    }
    ++at_;
    return Json{std::move(object)};
  }

  Json read_array() {
    std::vector<Json> array;
    ++at_;
    while (skip_space(), text_.at(at_) != ']') {
      array.push_back(read());
      skip_space();
      if (text_.at(at_) == ',') ++at_;
    }
    ++at_;
    return Json{std::move(array)};
  }

  std::string read_string() {
    std::string out;
    ++at_;  // opening quote
    while (text_.at(at_) != '"') {
      char next = text_.at(at_++);
      if (next == '\\') {
        next = text_.at(at_++);
        if (next == 'n') next = '\n';
      }
      out += next;
    }
    ++at_;
    return out;
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }

  std::string text_;
  std::size_t at_ = 0;
};

const Json& contract() {
  static const Json parsed = [] {
    std::ifstream file(MT_CONTRACT_FILE);
    std::stringstream text;
    text << file.rdbuf();
    return JsonReader(text.str()).read();
  }();
  return parsed;
}

TEST(Contract, EveryStatusIsHandledAsTheContractSays) {
  for (const Json& status : contract()["statuses"].array()) {
    const auto value = static_cast<mt_status>(static_cast<int>(status["value"].number()));
    const std::string& name = status["name"].text();
    const std::string& policy = status["policy"].text();
    EXPECT_EQ(status["message"].text(), mt_status_message(value)) << name;
    if (policy == "caller_mistake") {
      EXPECT_EQ(status["bindings"]["cpp"].text(), "mycelium::telemetry::Error") << name;
      try {
        telemetry::detail::check(value, "call");
        ADD_FAILURE() << name << " did not throw";
      } catch (const telemetry::Error& error) {
        EXPECT_EQ(error.status(), value) << name;
        EXPECT_NE(std::string(error.what()).find(status["message"].text()), std::string::npos);
      }
    } else if (policy == "io") {
      EXPECT_EQ(status["bindings"]["cpp"].text(), "mycelium::telemetry::IoError") << name;
      try {
        telemetry::detail::check_consent(value, "call");
        ADD_FAILURE() << name << " did not throw";
      } catch (const telemetry::IoError& error) {
        EXPECT_EQ(error.status(), value) << name;
        EXPECT_NE(std::string(error.what()).find(status["message"].text()), std::string::npos);
      }
    } else {
      testing::internal::CaptureStderr();
      EXPECT_NO_THROW(telemetry::detail::check(value, "call")) << name;
      const std::string stderr_text = testing::internal::GetCapturedStderr();
      if (policy == "internal") {
        EXPECT_NE(stderr_text.find(status["message"].text()), std::string::npos) << name;
      } else {
        EXPECT_EQ(stderr_text, "") << name << " is silent";
      }
    }
  }
}

TEST(Contract, EveryOptionIsAConfigMethod) {
  // Each lambda calls the method the contract names, so a renamed method fails to compile and a
  // contract option without a method here fails below.
  using Setter = std::function<void(telemetry::Config&)>;
  const std::map<std::string, Setter> methods = {
      {"enabled", [](auto& c) { c.enabled(true); }},
      {"endpoint", [](auto& c) { c.endpoint("https://telemetry.example.com/v1/events"); }},
      {"timeout", [](auto& c) { c.timeout(5s); }},
      {"batch_size", [](auto& c) { c.batch_size(100); }},
      {"retry_attempts", [](auto& c) { c.retry_attempts(3); }},
      {"retry_backoff", [](auto& c) { c.retry_backoff(2.0); }},
      {"app_name", [](auto& c) { c.app_name("mytool"); }},
      {"salt", [](auto& c) { c.salt("salt"); }},
      {"salt_file", [](auto& c) { c.salt_file("/nonexistent/salt"); }},
      {"flush_interval", [](auto& c) { c.flush_interval(5000ms); }},
      {"queue_capacity", [](auto& c) { c.queue_capacity(8192); }},
      {"output_file", [](auto& c) { c.output_file("/nonexistent/out.jsonl"); }},
      {"ca_file", [](auto& c) { c.ca_file("/nonexistent/ca.pem"); }},
      {"token", [](auto& c) { c.token("ingest-token"); }},
      {"spool_max_bytes", [](auto& c) { c.spool_max_bytes(5242880); }},
      {"spool_max_age_days", [](auto& c) { c.spool_max_age_days(7); }},
      {"debug", [](auto& c) { c.debug(true); }},
      {"error_detail", [](auto& c) { c.error_detail(telemetry::ErrorDetail::type); }},
      {"protocol", [](auto& c) { c.protocol(telemetry::Protocol::otlp); }},
      {"allow_metadata_field",
       [](auto& c) { c.allow_metadata_field("output_count", telemetry::ValueType::boolean); }},
      {"log_callback", [](auto& c) { c.log_callback([](telemetry::LogLevel, std::string_view) {}); }},
  };
  for (const Json& option : contract()["options"].array()) {
    const std::string& name = option["names"]["cpp"].text();
    const auto method = methods.find(name);
    ASSERT_NE(method, methods.end()) << "no Config method " << name << " in this test";
    telemetry::Config config;
    EXPECT_NO_THROW(method->second(config)) << name;
  }
}

TEST(Contract, NumericOptionsTakeTheContractRange) {
  using Setter = std::function<void(telemetry::Config&, double)>;
  const std::map<std::string, Setter> setters = {
      {"timeout", [](auto& c, double v) { c.timeout(std::chrono::seconds(static_cast<long>(v))); }},
      {"batch_size", [](auto& c, double v) { c.batch_size(static_cast<std::uint32_t>(v)); }},
      {"retry_attempts", [](auto& c, double v) { c.retry_attempts(static_cast<std::uint32_t>(v)); }},
      {"retry_backoff", [](auto& c, double v) { c.retry_backoff(v); }},
      {"flush_interval",
       [](auto& c, double v) { c.flush_interval(std::chrono::milliseconds(static_cast<long>(v))); }},
      {"queue_capacity", [](auto& c, double v) { c.queue_capacity(static_cast<std::uint32_t>(v)); }},
      {"spool_max_bytes",
       [](auto& c, double v) { c.spool_max_bytes(static_cast<std::uint32_t>(v)); }},
      {"spool_max_age_days",
       [](auto& c, double v) { c.spool_max_age_days(static_cast<std::uint32_t>(v)); }},
  };
  const auto accepted = [&](const std::string& name, double value) {
    telemetry::Config config;
    setters.at(name)(config, value);
    try {
      telemetry::Client client(config);
      return true;
    } catch (const telemetry::Error& error) {
      EXPECT_EQ(error.status(), MT_ERR_INVALID_CONFIG_VALUE);
      return false;
    }
  };
  for (const Json& option : contract()["options"].array()) {
    if (!option.has("min")) continue;
    const std::string& name = option["names"]["cpp"].text();
    ASSERT_EQ(setters.count(name), 1u) << "no C++ setter named " << name << " in this test";
    const double step = option["type"].text() == "double" ? 0.001 : 1;
    EXPECT_TRUE(accepted(name, option["min"].number())) << name;
    EXPECT_TRUE(accepted(name, option["max"].number())) << name;
    EXPECT_FALSE(accepted(name, option["max"].number() + step)) << name;
    if (option["min"].number() - step >= 0) {
      EXPECT_FALSE(accepted(name, option["min"].number() - step)) << name;
    }
  }
}

TEST(Contract, StringsFollowTheContract) {
  const Json& rules = contract()["strings"];
  EXPECT_EQ(rules["nul_byte"]["bindings"]["cpp"].text(), "mycelium::telemetry::Error");
  EXPECT_EQ(rules["invalid_utf8"]["bindings"]["cpp"].text(), "mycelium::telemetry::Error");
  const auto output = std::filesystem::temp_directory_path() /
                      ("mt-cpp-contract-strings-" + std::to_string(getpid()) + ".jsonl");
  telemetry::Client client(telemetry::Config().enabled(true).output_file(output.string()));
  try {
    client.track_agent_usage("agent\0hidden"sv, "run");
    ADD_FAILURE() << "a NUL byte was accepted";
  } catch (const telemetry::Error& error) {
    EXPECT_EQ(error.status(), MT_ERR_INVALID_ARGUMENT);
  }
  try {
    client.track_agent_usage("agent \xff", "run");
    ADD_FAILURE() << "invalid UTF-8 was accepted";
  } catch (const telemetry::Error& error) {
    EXPECT_EQ(error.status(), MT_ERR_INVALID_UTF8);
  }
  EXPECT_EQ(client.stats().enqueued, 0u);
  client.shutdown(1s);
  std::filesystem::remove(output);
}

TEST(Contract, LogCallbackReceivesTheLibraryMessagesOnTheSenderThread) {
  const auto output = std::filesystem::temp_directory_path() /
                      ("mt-cpp-contract-" + std::to_string(getpid()) + ".jsonl");
  std::mutex mutex;
  std::condition_variable received_one;
  std::vector<std::pair<telemetry::LogLevel, std::string>> received;
  std::atomic<bool> on_caller_thread{false};
  const auto caller = std::this_thread::get_id();
  {
    telemetry::Client client(telemetry::Config()
                                 .enabled(true)
                                 .output_file(output.string())
                                 .debug(true)
                                 .log_callback([&](telemetry::LogLevel level, std::string_view message) {
                                   const std::lock_guard<std::mutex> lock(mutex);
                                   if (std::this_thread::get_id() == caller) on_caller_thread = true;
                                   received.emplace_back(level, std::string(message));
                                   received_one.notify_all();
                                 }));
    client.track_agent_usage("agent", "summarize");
    EXPECT_TRUE(client.flush(10s));
    std::unique_lock<std::mutex> lock(mutex);
    EXPECT_TRUE(received_one.wait_for(lock, 10s, [&] { return !received.empty(); }));
  }
  std::filesystem::remove(output);
  const std::lock_guard<std::mutex> lock(mutex);
  ASSERT_FALSE(received.empty());
  EXPECT_EQ(received[0].first, telemetry::LogLevel::debug);
  EXPECT_NE(received[0].second.find("summarize"), std::string::npos) << received[0].second;
  EXPECT_FALSE(on_caller_thread);
}

TEST(Contract, ALogCallbackThatThrowsLosesOnlyItsMessage) {
  const auto output = std::filesystem::temp_directory_path() /
                      ("mt-cpp-contract-throw-" + std::to_string(getpid()) + ".jsonl");
  std::atomic<int> calls{0};
  telemetry::Client client(telemetry::Config()
                               .enabled(true)
                               .output_file(output.string())
                               .debug(true)
                               .log_callback([&](telemetry::LogLevel, std::string_view) {
                                 ++calls;
                                 throw std::runtime_error("callback bug");
                               }));
  client.track_agent_usage("agent", "first");
  EXPECT_TRUE(client.flush(10s));
  client.track_agent_usage("agent", "second");
  EXPECT_TRUE(client.flush(10s));
  client.shutdown(2s);
  std::filesystem::remove(output);
  EXPECT_GE(calls.load(), 2);
  EXPECT_EQ(client.stats().sent, 2u);
}

}  // namespace

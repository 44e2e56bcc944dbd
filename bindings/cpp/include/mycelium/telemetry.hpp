// mycelium-telemetry for C++17: a header-only wrapper over the C ABI in mycelium_telemetry.h.
//
// Telemetry stays off unless the user opted in (TELEMETRY_ENABLED, or Config::enabled(true)
// after asking them); DO_NOT_TRACK always wins for clients configured from the environment.
//
// Errors: caller mistakes throw mycelium::telemetry::Error (a std::invalid_argument carrying the
// mt_status). Nothing else throws (the policy of every binding, bindings/contract.json): a call
// on a client after it was shut down does nothing, a library bug (MT_ERR_INTERNAL) is one line
// on stderr, and network trouble only shows in stats().
// Caller mistakes are caught whether or not telemetry is enabled, so that they surface during
// development and not only on the machines of users who opted in.
#ifndef MYCELIUM_TELEMETRY_HPP
#define MYCELIUM_TELEMETRY_HPP

#include <mycelium_telemetry.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace mycelium::telemetry {

/// A caller mistake: an argument or setting the library refuses. Nothing was done.
class Error : public std::invalid_argument {
 public:
  Error(mt_status status, const std::string& message)
      : std::invalid_argument(message), status_(status) {}

  mt_status status() const noexcept { return status_; }

 private:
  mt_status status_;
};

/// The error for MT_ERR_SHUT_DOWN. No call throws it any more: a call after shutdown does
/// nothing, as in every binding. Kept so that code catching it still compiles.
class ShutDownError : public std::runtime_error {
 public:
  ShutDownError() : std::runtime_error(mt_status_message(MT_ERR_SHUT_DOWN)) {}
};

/// Counters since the client was created (see mt_stats).
using Stats = mt_stats;

/// How long a Client's destructor waits for queued events to be sent, as the Rust client does.
inline constexpr std::chrono::milliseconds default_shutdown_timeout{2000};

namespace detail {

inline bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t index = 0;
  while (index < text.size()) {
    const auto lead = static_cast<unsigned char>(text[index]);
    if (lead < 0x80) {
      ++index;
      continue;
    }
    std::size_t continuation_bytes = 0;
    std::uint32_t code_point = 0;
    std::uint32_t smallest = 0;  // anything below is an overlong encoding
    if ((lead & 0xE0) == 0xC0) {
      continuation_bytes = 1;
      code_point = lead & 0x1F;
      smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      continuation_bytes = 2;
      code_point = lead & 0x0F;
      smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      continuation_bytes = 3;
      code_point = lead & 0x07;
      smallest = 0x10000;
    } else {
      return false;
    }
    if (text.size() - index <= continuation_bytes) {
      return false;
    }
    for (std::size_t offset = 1; offset <= continuation_bytes; ++offset) {
      const auto byte = static_cast<unsigned char>(text[index + offset]);
      if ((byte & 0xC0) != 0x80) {
        return false;
      }
      code_point = (code_point << 6) | (byte & 0x3F);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < smallest || code_point > 0x10FFFF || surrogate) {
      return false;
    }
    index += continuation_bytes + 1;
  }
  return true;
}

/// Refuses text C would read differently from C++: cut at an embedded NUL, or not UTF-8.
inline void check_text(std::string_view text, const char* name) {
  if (text.find('\0') != std::string_view::npos) {
    throw Error(MT_ERR_INVALID_ARGUMENT, std::string(name) + " contains a NUL byte");
  }
  if (!is_valid_utf8(text)) {
    throw Error(MT_ERR_INVALID_UTF8,
                std::string(name) + ": " + mt_status_message(MT_ERR_INVALID_UTF8));
  }
}

/// A NUL-terminated copy of a string argument, for the C call.
inline std::string c_string(std::string_view text, const char* name) {
  check_text(text, name);
  return std::string(text);
}

/// Turns a C status into the binding's exceptions, as bindings/contract.json says: only caller
/// mistakes throw. A call after shutdown (or racing it) does nothing. MT_ERR_INTERNAL is a
/// library bug and the call had no effect: telemetry must never break the host over it, so it
/// is one line on stderr.
inline void check(mt_status status, const char* call) {
  switch (status) {
    case MT_OK:
    case MT_ERR_SHUT_DOWN:
    case MT_ERR_TIMEOUT:  // only flush gets it, and reports it as false
      return;
    case MT_ERR_NULL_ARGUMENT:
    case MT_ERR_INVALID_UTF8:
    case MT_ERR_INVALID_JSON:
    case MT_ERR_INVALID_ARGUMENT:
    case MT_ERR_INVALID_CONFIG_VALUE:
      throw Error(status, std::string(call) + ": " + mt_status_message(status));
    default: {
      const std::string line = std::string("mycelium-telemetry: ") + call + ": " +
                               mt_status_message(static_cast<int>(status)) + "\n";
      std::fputs(line.c_str(), stderr);
      return;
    }
  }
}

template <typename Rep, typename Period>
std::uint32_t saturated_u32(std::chrono::duration<Rep, Period> duration) {
  const auto count = duration.count();
  if (count <= 0) {
    return 0;
  }
  constexpr auto most = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uintmax_t>(count) >= most ? most : static_cast<std::uint32_t>(count);
}

struct StringFree {
  void operator()(char* text) const noexcept { mt_string_free(text); }
};

/// Takes ownership of a string the library returned.
inline std::string take_string(char* text, const char* call) {
  const std::unique_ptr<char, StringFree> owned(text);
  if (!owned) {
    // The arguments were checked, so the library had no documented reason to refuse them.
    throw Error(MT_ERR_INVALID_UTF8, std::string(call) + ": the library refused the text");
  }
  return std::string(owned.get());
}

struct ConfigFree {
  void operator()(mt_config* config) const noexcept { mt_config_free(config); }
};
using ConfigHandle = std::unique_ptr<mt_config, ConfigFree>;

/// Reaches Config's C config for the consent functions (consent.hpp).
struct ConfigAccess;

}  // namespace detail

/// One metadata, tag or context value: null, bool, integer, floating point or string.
class Value {
 public:
  using Variant = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

  Value(std::nullptr_t = nullptr) noexcept : value_(nullptr) {}
  Value(bool flag) noexcept : value_(flag) {}

  template <typename Integer,
            std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
  Value(Integer number) : value_(to_int64(number)) {}

  template <typename Floating, std::enable_if_t<std::is_floating_point_v<Floating>, int> = 0>
  Value(Floating number) : value_(static_cast<double>(number)) {}

  Value(const char* text) : value_(std::string(text == nullptr ? throw_null() : text)) {}
  Value(std::string_view text) : value_(std::string(text)) {}
  Value(std::string text) : value_(std::move(text)) {}

  // Without this, any other pointer would silently become a bool.
  template <typename Pointee>
  Value(const Pointee*) = delete;

  const Variant& variant() const noexcept { return value_; }

  friend bool operator==(const Value& left, const Value& right) {
    return left.value_ == right.value_;
  }

 private:
  template <typename Integer>
  static std::int64_t to_int64(Integer number) {
    if constexpr (std::is_unsigned_v<Integer> && sizeof(Integer) >= sizeof(std::int64_t)) {
      if (number > static_cast<Integer>(std::numeric_limits<std::int64_t>::max())) {
        throw Error(MT_ERR_INVALID_ARGUMENT, "integer value does not fit in 64 signed bits");
      }
    }
    return static_cast<std::int64_t>(number);
  }

  static const char* throw_null() {
    throw Error(MT_ERR_NULL_ARGUMENT, "a string value was a null pointer");
  }

  Variant value_;
};

/// Metadata, tags or error context: `{{"duration_ms", 12}, {"success", true}}`. Only keys the
/// library allowlists (and, for tags, scrubs or hashes) leave the process; see the C header.
using Fields = std::map<std::string, Value, std::less<>>;

namespace detail {

inline void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char character : text) {
    switch (character) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(character) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(character));
          out += escaped;
        } else {
          out += character;
        }
    }
  }
  out += '"';
}

inline void append_json_number(std::string& out, double number) {
  char digits[32];
  // to_chars: shortest round-trip form, and independent of the C locale.
  const auto written = std::to_chars(digits, digits + sizeof digits, number).ptr;
  const std::string_view text(digits, static_cast<std::size_t>(written - digits));
  out += text;
  // 12.0 must stay a JSON float rather than turn into the integer 12.
  if (text.find_first_of(".e") == std::string_view::npos) {
    out += ".0";
  }
}

inline void check_fields(const Fields& fields, const char* name) {
  for (const auto& [key, value] : fields) {
    check_text(key, name);
    if (const auto* text = std::get_if<std::string>(&value.variant())) {
      if (!is_valid_utf8(*text)) {
        throw Error(MT_ERR_INVALID_UTF8, std::string(name) + " value of \"" + key +
                                             "\" is not valid UTF-8");
      }
    } else if (const auto* number = std::get_if<double>(&value.variant())) {
      if (!std::isfinite(*number)) {
        throw Error(MT_ERR_INVALID_ARGUMENT, std::string(name) + " value of \"" + key +
                                                 "\" is not a finite number");
      }
    }
  }
}

/// The JSON object for checked fields.
inline std::string to_json(const Fields& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) {
      out += ',';
    }
    append_json_string(out, key);
    out += ':';
    std::visit(
        [&out](const auto& scalar) {
          using Scalar = std::decay_t<decltype(scalar)>;
          if constexpr (std::is_same_v<Scalar, std::nullptr_t>) {
            out += "null";
          } else if constexpr (std::is_same_v<Scalar, bool>) {
            out += scalar ? "true" : "false";
          } else if constexpr (std::is_same_v<Scalar, std::int64_t>) {
            out += std::to_string(scalar);
          } else if constexpr (std::is_same_v<Scalar, double>) {
            append_json_number(out, scalar);
          } else {
            append_json_string(out, scalar);
          }
        },
        value.variant());
  }
  out += '}';
  return out;
}

}  // namespace detail

/// The type an allowlisted metadata or context key accepts; a value of another type is dropped,
/// never converted. See Config::allow_metadata_field.
enum class ValueType : int {
  /// Any scalar; strings are scrubbed and cut to 128 bytes.
  any = MT_VALUE_ANY,
  boolean = MT_VALUE_BOOLEAN,
  /// 0, 1, 2, ... (3.0 counts as whole).
  non_negative_integer = MT_VALUE_NON_NEGATIVE_INTEGER,
  non_negative_number = MT_VALUE_NON_NEGATIVE_NUMBER,
  /// A whole number from 100 to 599.
  http_status_code = MT_VALUE_HTTP_STATUS_CODE,
};

/// How much of each error event leaves (TELEMETRY_ERROR_DETAIL).
enum class ErrorDetail : int {
  /// The error type, the scrubbed message and the scrubbed stack trace (the default).
  full = MT_ERROR_DETAIL_FULL,
  /// The error type and the trace's frames, one "file:line in function" per line; the message
  /// is sent as "".
  frames = MT_ERROR_DETAIL_FRAMES,
  /// The error type only; the message is sent as "" and no trace is sent.
  type = MT_ERROR_DETAIL_TYPE,
};

/// What batches are sent as (TELEMETRY_PROTOCOL).
enum class Protocol : int {
  /// Wire format 1.0, for the reference collector (the default).
  mycelium = MT_PROTOCOL_MYCELIUM,
  /// OTLP/HTTP JSON logs, for an OpenTelemetry Collector (docs/opentelemetry.md): pass its
  /// logs URL as endpoint(); left at the default, http://localhost:4318/v1/logs.
  otlp = MT_PROTOCOL_OTLP,
};

/// Severity of a message passed to a log callback.
enum class LogLevel : int {
  error = MT_LOG_ERROR,
  warn = MT_LOG_WARN,
  info = MT_LOG_INFO,
  debug = MT_LOG_DEBUG,
};

/// Receives the library's warnings instead of stderr (Config::log_callback).
using LogCallback = std::function<void(LogLevel, std::string_view)>;

namespace detail {

/// Keeps every log callback a Config handed to the library alive for the rest of the process:
/// the library's sender thread may log after the Client that used it is gone.
inline void keep_forever(std::shared_ptr<const LogCallback> callback) {
  static std::mutex mutex;
  static auto* kept = new std::set<std::shared_ptr<const LogCallback>>();  // never destroyed
  const std::lock_guard<std::mutex> lock(mutex);
  kept->insert(std::move(callback));
}

/// What the library calls, on its sender thread. An exception must not cross into the library:
/// a throwing callback loses that one message.
inline void log_trampoline(int level, const char* message, void* user_data) noexcept {
  try {
    (*static_cast<const LogCallback*>(user_data))(static_cast<LogLevel>(level), message);
  } catch (...) {
  }
}

}  // namespace detail

/// Settings for a Client; a plain copyable value. Every setting starts at the library's default
/// with telemetry disabled (Config()) or as the environment says (Config::from_env()). Values out
/// of range are reported, as Error with MT_ERR_INVALID_CONFIG_VALUE, when a Client is created.
class Config {
 public:
  Config() = default;

  /// TELEMETRY_ENABLED, DO_NOT_TRACK and the other TELEMETRY_* variables, read when the Client
  /// is created; setters called on the result override them.
  static Config from_env() {
    Config config;
    config.from_env_ = true;
    return config;
  }

  /// Only after the user agreed: this overrides TELEMETRY_ENABLED and DO_NOT_TRACK.
  Config& enabled(bool on) { return set(enabled_, on); }
  /// http:// only for loopback hosts; no scheme means https://.
  Config& endpoint(std::string_view url) {
    return set(endpoint_, detail::c_string(url, "Config::endpoint"));
  }
  /// 1 to 30 seconds.
  Config& timeout(std::chrono::seconds request_timeout) {
    return set(timeout_secs_, detail::saturated_u32(request_timeout));
  }
  /// 1 to 1000 events.
  Config& batch_size(std::uint32_t events) { return set(batch_size_, events); }
  /// 0 to 10.
  Config& retry_attempts(std::uint32_t attempts) { return set(retry_attempts_, attempts); }
  /// 1.0 to 10.0.
  Config& retry_backoff(double factor) { return set(retry_backoff_, factor); }
  /// This application's name (1 to 64 of A-Z a-z 0-9 - _ ., starting with a letter or digit):
  /// its own recorded choice (consent_set) applies, else the global one. Like TELEMETRY_APP.
  Config& app_name(std::string_view name) {
    return set(app_name_, detail::c_string(name, "Config::app_name"));
  }
  Config& salt(std::string_view text) { return set(salt_, detail::c_string(text, "Config::salt")); }
  Config& salt_file(std::string_view path) {
    return set(salt_file_, detail::c_string(path, "Config::salt_file"));
  }
  /// 10 ms to 1 hour.
  Config& flush_interval(std::chrono::milliseconds interval) {
    return set(flush_interval_ms_, detail::saturated_u32(interval));
  }
  /// 1 to 1000000 events.
  Config& queue_capacity(std::uint32_t events) { return set(queue_capacity_, events); }
  /// Local-only mode: each batch is appended to this file as one JSON line, exactly as it would
  /// have been sent, and no socket is ever opened (the endpoint is not used). Mode 0600.
  Config& output_file(std::string_view path) {
    return set(output_file_, detail::c_string(path, "Config::output_file"));
  }
  /// A PEM file of CA certificates trusted besides the bundled roots, for an https:// endpoint
  /// with a private CA; read when the Client is created. Certificates are always verified.
  Config& ca_file(std::string_view path) {
    return set(ca_file_, detail::c_string(path, "Config::ca_file"));
  }
  /// A private collector's ingest token, sent as "Authorization: Bearer <token>" to the
  /// endpoint only: 1 to 4096 visible ASCII characters. Never logged or written to a file.
  Config& token(std::string_view token) {
    return set(token_, detail::c_string(token, "Config::token"));
  }
  /// The most the offline spool of this application keeps, 0 to 1073741824 bytes (default
  /// 5 MiB; the oldest batches go first); 0 turns the spool off.
  Config& spool_max_bytes(std::uint32_t bytes) { return set(spool_max_bytes_, bytes); }
  /// How long a spooled batch is kept, 0 to 365 days (default 7); 0 turns the spool off.
  Config& spool_max_age_days(std::uint32_t days) { return set(spool_max_age_days_, days); }
  /// Prints each outgoing batch, exactly as sent, on stderr.
  Config& debug(bool on) { return set(debug_, on); }
  /// Lets metadata and error-context values under key leave when they have the given type;
  /// values of another type are dropped. Built-in keys (duration_ms, success, retry_count,
  /// cache_hit, result_count, status_code) keep their own types. Secret-looking keys, malformed
  /// keys, retyping a built-in key or more than 32 keys are reported when the Client is created.
  Config& allow_metadata_field(std::string_view key, ValueType type) {
    metadata_fields_.emplace_back(detail::c_string(key, "Config::allow_metadata_field"), type);
    return *this;
  }
  /// allow_metadata_field(key, ValueType::any): any scalar, strings scrubbed.
  Config& allow_metadata_key(std::string_view key) {
    return allow_metadata_field(key, ValueType::any);
  }
  /// How much of each error leaves: ErrorDetail::full (default), frames or type.
  Config& error_detail(ErrorDetail level) { return set(error_detail_, level); }
  /// What batches are sent as: Protocol::mycelium (default) or Protocol::otlp.
  Config& protocol(Protocol value) { return set(protocol_, value); }
  /// Sends the library's warnings (and, with debug(true), each outgoing batch) to `callback`
  /// instead of stderr. It runs on the library's sender thread (or the thread creating the
  /// Client), so it must be thread-safe and short; the message is only valid during the call,
  /// never holds the salt or unscrubbed data, and an exception it throws is dropped. The
  /// callback is kept alive for the rest of the process once a Client used it.
  Config& log_callback(LogCallback callback) {
    log_callback_ = callback ? std::make_shared<const LogCallback>(std::move(callback)) : nullptr;
    return *this;
  }

 private:
  friend class Client;
  friend struct detail::ConfigAccess;

  /// The C config these settings describe. Throws Error for a value out of range.
  detail::ConfigHandle to_native() const {
    detail::ConfigHandle config(from_env_ ? mt_config_from_env() : mt_config_new());
    if (!config) {
      throw std::bad_alloc();
    }
    mt_config* native = config.get();
    if (enabled_) detail::check(mt_config_set_enabled(native, *enabled_), "Config::enabled");
    if (endpoint_) {
      detail::check(mt_config_set_endpoint(native, endpoint_->c_str()), "Config::endpoint");
    }
    if (timeout_secs_) {
      detail::check(mt_config_set_timeout_secs(native, *timeout_secs_), "Config::timeout");
    }
    if (batch_size_) {
      detail::check(mt_config_set_batch_size(native, *batch_size_), "Config::batch_size");
    }
    if (retry_attempts_) {
      detail::check(mt_config_set_retry_attempts(native, *retry_attempts_),
                    "Config::retry_attempts");
    }
    if (retry_backoff_) {
      detail::check(mt_config_set_retry_backoff(native, *retry_backoff_), "Config::retry_backoff");
    }
    if (app_name_) {
      detail::check(mt_config_set_app_name(native, app_name_->c_str()), "Config::app_name");
    }
    if (salt_) detail::check(mt_config_set_salt(native, salt_->c_str()), "Config::salt");
    if (salt_file_) {
      detail::check(mt_config_set_salt_file(native, salt_file_->c_str()), "Config::salt_file");
    }
    if (flush_interval_ms_) {
      detail::check(mt_config_set_flush_interval_ms(native, *flush_interval_ms_),
                    "Config::flush_interval");
    }
    if (queue_capacity_) {
      detail::check(mt_config_set_queue_capacity(native, *queue_capacity_),
                    "Config::queue_capacity");
    }
    if (output_file_) {
      detail::check(mt_config_set_output_file(native, output_file_->c_str()),
                    "Config::output_file");
    }
    if (ca_file_) detail::check(mt_config_set_ca_file(native, ca_file_->c_str()), "Config::ca_file");
    if (token_) detail::check(mt_config_set_token(native, token_->c_str()), "Config::token");
    if (spool_max_bytes_) {
      detail::check(mt_config_set_spool_max_bytes(native, *spool_max_bytes_),
                    "Config::spool_max_bytes");
    }
    if (spool_max_age_days_) {
      detail::check(mt_config_set_spool_max_age_days(native, *spool_max_age_days_),
                    "Config::spool_max_age_days");
    }
    if (debug_) detail::check(mt_config_set_debug(native, *debug_), "Config::debug");
    for (const auto& [key, type] : metadata_fields_) {
      detail::check(mt_config_allow_metadata_field(native, key.c_str(), static_cast<int>(type)),
                    "Config::allow_metadata_field");
    }
    if (error_detail_) {
      detail::check(mt_config_set_error_detail(native, static_cast<int>(*error_detail_)),
                    "Config::error_detail");
    }
    if (protocol_) {
      detail::check(mt_config_set_protocol(native, static_cast<int>(*protocol_)), "Config::protocol");
    }
    if (log_callback_) {
      detail::keep_forever(log_callback_);
      // The library only passes user_data back; the callback is never modified through it.
      void* user_data = const_cast<LogCallback*>(log_callback_.get());
      detail::check(mt_config_set_log_callback(native, &detail::log_trampoline, user_data),
                    "Config::log_callback");
    }
    return config;
  }

  template <typename Setting, typename Input>
  Config& set(std::optional<Setting>& setting, Input&& value) {
    setting = std::forward<Input>(value);
    return *this;
  }

  bool from_env_ = false;
  std::optional<bool> enabled_;
  std::optional<std::string> endpoint_;
  std::optional<std::uint32_t> timeout_secs_;
  std::optional<std::uint32_t> batch_size_;
  std::optional<std::uint32_t> retry_attempts_;
  std::optional<double> retry_backoff_;
  std::optional<std::string> app_name_;
  std::optional<std::string> salt_;
  std::optional<std::string> salt_file_;
  std::optional<std::uint32_t> flush_interval_ms_;
  std::optional<std::uint32_t> queue_capacity_;
  std::optional<std::string> output_file_;
  std::optional<std::string> ca_file_;
  std::optional<std::string> token_;
  std::optional<std::uint32_t> spool_max_bytes_;
  std::optional<std::uint32_t> spool_max_age_days_;
  std::optional<bool> debug_;
  std::vector<std::pair<std::string, ValueType>> metadata_fields_;
  std::optional<ErrorDetail> error_detail_;
  std::optional<Protocol> protocol_;
  std::shared_ptr<const LogCallback> log_callback_;
};

class ClientRef;
ClientRef global();

/// A non-owning handle on a client: what global() returns, and what a Client is. Copyable; it
/// must not outlive the Client it came from. All methods may be called from any thread.
class ClientRef {
 public:
  /// True when events are being collected: enabled, and not shut down.
  bool enabled() const noexcept { return handle_ != nullptr && mt_client_is_enabled(handle_); }

  /// An agent ran an operation. agent_id is hashed before it leaves; of the metadata only
  /// allowlisted keys leave.
  void track_agent_usage(std::string_view agent_id, std::string_view operation,
                         const Fields& metadata = {}) const {
    detail::check_text(agent_id, "agent_id");
    detail::check_text(operation, "operation");
    detail::check_fields(metadata, "metadata");
    if (!collecting()) {
      return;
    }
    const std::string agent(agent_id);
    const std::string op(operation);
    const std::string json = detail::to_json(metadata);
    detail::check(mt_track_agent_usage(handle_, agent.c_str(), op.c_str(),
                                       metadata.empty() ? nullptr : json.c_str()),
                  "track_agent_usage");
  }

  /// A measurement; value must be finite. Identifier-like tags are hashed.
  void track_performance(std::string_view metric_name, double value,
                         std::string_view unit = "ms", const Fields& tags = {}) const {
    detail::check_text(metric_name, "metric_name");
    detail::check_text(unit, "unit");
    if (!std::isfinite(value)) {
      throw Error(MT_ERR_INVALID_ARGUMENT, "track_performance: value must be a finite number");
    }
    detail::check_fields(tags, "tags");
    if (!collecting()) {
      return;
    }
    const std::string metric(metric_name);
    const std::string unit_text(unit);
    const std::string json = detail::to_json(tags);
    detail::check(mt_track_performance(handle_, metric.c_str(), value, unit_text.c_str(),
                                       tags.empty() ? nullptr : json.c_str()),
                  "track_performance");
  }

  /// An error. Message and stack trace are scrubbed of paths, credentials and emails before
  /// they leave; an empty stack trace is left out.
  void track_error(std::string_view error_type, std::string_view error_message,
                   std::string_view stack_trace = {}, const Fields& context = {}) const {
    detail::check_text(error_type, "error_type");
    detail::check_text(error_message, "error_message");
    detail::check_text(stack_trace, "stack_trace");
    detail::check_fields(context, "context");
    if (!collecting()) {
      return;
    }
    const std::string type(error_type);
    const std::string message(error_message);
    const std::string trace(stack_trace);
    const std::string json = detail::to_json(context);
    detail::check(mt_track_error(handle_, type.c_str(), message.c_str(),
                                 trace.empty() ? nullptr : trace.c_str(),
                                 context.empty() ? nullptr : json.c_str()),
                  "track_error");
  }

  /// The platform, its version, the architecture and the library's version.
  void track_system_info() const {
    if (collecting()) {
      detail::check(mt_track_system_info(handle_), "track_system_info");
    }
  }

  /// Waits until everything tracked so far is sent or given up: true, or false if the timeout
  /// passed first. Network failures are not errors here; they show in stats().
  bool flush(std::chrono::milliseconds timeout) const {
    if (handle_ == nullptr) {
      return true;
    }
    const mt_status status = mt_flush(handle_, detail::saturated_u32(timeout));
    if (status == MT_ERR_TIMEOUT) {
      return false;
    }
    detail::check(status, "flush");
    // After shutdown nothing is pending; a library bug (reported by check) sent nothing.
    return status != MT_ERR_INTERNAL;
  }

  /// The counters; after shutdown, the final ones.
  Stats stats() const {
    Stats stats{};
    if (handle_ != nullptr) {
      detail::check(mt_client_stats(handle_, &stats), "stats");
    }
    return stats;
  }

  /// One counter, including those beyond Stats: MT_COUNTER_SPOOLED (events kept in the offline
  /// spool for a later run), MT_COUNTER_REPLAYED (events sent from it) and
  /// MT_COUNTER_SPOOL_DROPPED (events it let go of unsent). Zero for a disabled client.
  std::uint64_t counter(mt_counter which) const {
    std::uint64_t value = 0;
    if (handle_ != nullptr) {
      detail::check(mt_client_counter(handle_, which, &value), "counter");
    }
    return value;
  }

  /// The C handle, for calls the binding does not wrap. Owned by this object (or the library).
  mt_client* native_handle() const noexcept { return handle_; }

 protected:
  explicit ClientRef(mt_client* handle) noexcept : handle_(handle) {}

  mt_client* handle_ = nullptr;

 private:
  friend ClientRef global();

  /// Whether a track call should build and queue its event. A disabled, shut-down or
  /// moved-from client only has its arguments checked.
  bool collecting() const { return handle_ != nullptr && mt_client_is_enabled(handle_); }
};

/// A client owning its sender thread. Move-only; the destructor sends what is queued (unless
/// shutdown did), waiting at most default_shutdown_timeout, then frees everything. A moved-from
/// Client does nothing.
class Client : public ClientRef {
 public:
  /// Throws Error if a setting is out of range, std::bad_alloc if memory is exhausted.
  explicit Client(const Config& config) : ClientRef(create(config)) {}

  /// Configured from the environment: off unless TELEMETRY_ENABLED says yes.
  static Client from_env() { return Client(Config::from_env()); }

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Client(Client&& other) noexcept : ClientRef(std::exchange(other.handle_, nullptr)) {}

  Client& operator=(Client&& other) noexcept {
    if (this != &other) {
      release(default_shutdown_timeout);
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }

  ~Client() { release(default_shutdown_timeout); }

  /// Sends what is queued within `timeout` (returning then even if the collector never
  /// answers) and stops the sender. Later calls do nothing (flush returns true); stats() gives
  /// the final counters. Other threads may be calling this client meanwhile: their calls are
  /// safe and do nothing if they come too late. The destructor frees it. shutdown(0ms) never
  /// touches the network: what is still queued goes to the offline spool (for a client with an
  /// app_name whose choice is on) and the next run sends it; use it at the end of a short-lived
  /// command so that it exits at once.
  void shutdown(std::chrono::milliseconds timeout) noexcept {
    if (handle_ != nullptr) {
      mt_client_close(handle_, detail::saturated_u32(timeout));
    }
  }

 private:
  static mt_client* create(const Config& config) {
    const detail::ConfigHandle native = config.to_native();
    mt_client* client = mt_client_new(native.get());
    if (client == nullptr) {
      throw std::bad_alloc();
    }
    return client;
  }

  /// Closes the client (at once if shutdown did) and frees it.
  void release(std::chrono::milliseconds timeout) noexcept {
    if (handle_ != nullptr) {
      mt_shutdown(std::exchange(handle_, nullptr), detail::saturated_u32(timeout));
    }
  }
};

/// The process-wide client, configured from the environment on first use, never freed.
inline ClientRef global() {
  mt_client* client = mt_global();
  if (client == nullptr) {
    throw std::bad_alloc();
  }
  return ClientRef(client);
}

/// Shuts the process-wide client down; later calls on it do nothing.
inline void shutdown_global(std::chrono::milliseconds timeout) {
  mt_global_shutdown(detail::saturated_u32(timeout));
}

/// sha256(identifier + salt) as 64 lowercase hex digits, as agent ids are hashed.
inline std::string hash_identifier(std::string_view salt, std::string_view identifier) {
  const std::string salt_text = detail::c_string(salt, "hash_identifier: salt");
  const std::string id = detail::c_string(identifier, "hash_identifier: identifier");
  return detail::take_string(mt_hash_identifier(salt_text.c_str(), id.c_str()), "hash_identifier");
}

/// A path without its user: home directories become `<user>/…`.
inline std::string anonymize_path(std::string_view path) {
  const std::string text = detail::c_string(path, "anonymize_path");
  return detail::take_string(mt_anonymize_path(text.c_str()), "anonymize_path");
}

/// Free text scrubbed as error messages are: paths, URL credentials and emails.
inline std::string anonymize_message(std::string_view message) {
  const std::string text = detail::c_string(message, "anonymize_message");
  return detail::take_string(mt_anonymize_message(text.c_str()), "anonymize_message");
}

/// A stack trace scrubbed as error events scrub theirs.
inline std::string anonymize_stack_trace(std::string_view trace) {
  const std::string text = detail::c_string(trace, "anonymize_stack_trace");
  return detail::take_string(mt_anonymize_stack_trace(text.c_str()), "anonymize_stack_trace");
}

/// The library's version, MAJOR.MINOR.PATCH.
inline std::string_view version() noexcept { return mt_version(); }

/// Names the host runtime in system_info events, e.g. "my-engine 2.1". Never called implicitly.
inline void set_runtime(std::string_view runtime) {
  const std::string text = detail::c_string(runtime, "set_runtime");
  detail::check(mt_set_runtime(text.c_str()), "set_runtime");
}

/// Names the runtime after the C++ standard this code is compiled with, e.g. "c++ 201703".
inline void set_runtime() { set_runtime("c++ " + std::to_string(__cplusplus)); }

}  // namespace mycelium::telemetry

#include <mycelium/consent.hpp>

#endif  // MYCELIUM_TELEMETRY_HPP

// The user's recorded choice (mt_consent_get, mt_consent_set, mt_consent_notice) and why a client
// collects or not (mt_consent_explain, mt_consent_source_message), so that a host tool can offer
// `mytool telemetry on|off|status`. Included by <mycelium/telemetry.hpp>.
#ifndef MYCELIUM_TELEMETRY_CONSENT_HPP
#define MYCELIUM_TELEMETRY_CONSENT_HPP

#include <mycelium/telemetry.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mycelium::telemetry {

/// A level of consent; the numbers are those of the C enum mt_consent.
enum class Consent : int {
  undecided = MT_CONSENT_UNDECIDED,  ///< nothing recorded: undecided never uploads
  off = MT_CONSENT_OFF,              ///< nothing is collected
  local = MT_CONSENT_LOCAL,          ///< recorded on this machine only, never uploaded
  on = MT_CONSENT_ON,                ///< events are sent
};

/// Which rule of the order decided (consent_explain); the numbers are those of the C enum
/// mt_consent_source, in the order the rules are tried.
enum class ConsentSource : int {
  do_not_track = MT_CONSENT_SOURCE_DO_NOT_TRACK,            ///< 1: DO_NOT_TRACK is set: off
  telemetry_enabled = MT_CONSENT_SOURCE_TELEMETRY_ENABLED,  ///< 2: TELEMETRY_ENABLED, this process
  app_choice = MT_CONSENT_SOURCE_APP_CHOICE,                ///< 3: the application's recorded choice
  global_choice = MT_CONSENT_SOURCE_GLOBAL_CHOICE,          ///< 3: the global recorded choice
  unreadable_choice = MT_CONSENT_SOURCE_UNREADABLE_CHOICE,  ///< 3: the file cannot be read: off
  host = MT_CONSENT_SOURCE_HOST,              ///< 4: Config::enabled(true), nothing recorded
  by_default = MT_CONSENT_SOURCE_DEFAULT,     ///< 5: nothing decided: off
};

/// The source's name in bindings/contract.json ("app_choice", ..., "default").
inline std::string_view to_string(ConsentSource source) noexcept {
  switch (source) {
    case ConsentSource::do_not_track: return "do_not_track";
    case ConsentSource::telemetry_enabled: return "telemetry_enabled";
    case ConsentSource::app_choice: return "app_choice";
    case ConsentSource::global_choice: return "global_choice";
    case ConsentSource::unreadable_choice: return "unreadable_choice";
    case ConsentSource::host: return "host";
    case ConsentSource::by_default: return "default";
  }
  return "unknown";
}

/// What a client made from a config does now, and why.
struct ConsentExplanation {
  Consent level;             ///< off, local or on; never undecided
  ConsentSource source;      ///< the rule that decided
  std::string_view reason;   ///< that rule in words (static), as `mycelium-telemetry status` says
};

/// The consent file could not be read or written (MT_ERR_IO): a link, another user's file,
/// malformed content, no HOME. The choice was not read or not recorded, so the caller must know.
class IoError : public std::runtime_error {
 public:
  explicit IoError(const std::string& message) : std::runtime_error(message) {}
  mt_status status() const noexcept { return MT_ERR_IO; }
};

namespace detail {

inline void check_consent(mt_status status, const char* call) {
  if (status == MT_ERR_IO) {
    throw IoError(std::string(call) + ": " + mt_status_message(status));
  }
  check(status, call);
}

/// NULL (the global default) for no name, else a checked NUL-terminated copy.
inline std::optional<std::string> app_argument(std::optional<std::string_view> app,
                                               const char* call) {
  if (!app) return std::nullopt;
  return c_string(*app, call);
}

struct ConfigAccess {
  static ConfigHandle native(const Config& config) { return config.to_native(); }
};

/// After a library bug (MT_ERR_INTERNAL, one line on stderr) the answer is off by default.
inline ConsentExplanation explain(const mt_config* config) {
  mt_consent level = MT_CONSENT_OFF;
  mt_consent_source source = MT_CONSENT_SOURCE_DEFAULT;
  check(mt_consent_explain(config, &level, &source), "consent_explain");
  return {static_cast<Consent>(level), static_cast<ConsentSource>(source),
          mt_consent_source_message(source)};
}

}  // namespace detail

/// The level recorded for `app` (std::nullopt: the global default). Consent::undecided means
/// nothing is recorded for that name. Throws Error for an invalid name, IoError when the file
/// cannot be read.
inline Consent consent_get(std::optional<std::string_view> app = std::nullopt) {
  const auto name = detail::app_argument(app, "consent_get");
  mt_consent level = MT_CONSENT_UNDECIDED;
  detail::check_consent(mt_consent_get(name ? name->c_str() : nullptr, &level), "consent_get");
  return static_cast<Consent>(level);
}

/// Records `level` for `app` (std::nullopt: the global default), decided now. Going from on to
/// off asks the collector to delete what it received (this may wait for the network, at most 5
/// seconds in all).
/// Throws Error for an unknown level or invalid name, IoError when the file cannot be written.
inline void consent_set(Consent level, std::optional<std::string_view> app = std::nullopt) {
  const auto name = detail::app_argument(app, "consent_set");
  detail::check_consent(mt_consent_set(name ? name->c_str() : nullptr, static_cast<int>(level)),
                        "consent_set");
}

/// What a Client made from `config` would do now, and which rule decided: the decision the
/// client itself makes. Reads the environment and the consent file, never the network; an
/// unreadable consent file is ConsentSource::unreadable_choice (off), not an exception
/// (consent_get says why). Throws Error for a config value out of range, as Client does.
inline ConsentExplanation consent_explain(const Config& config) {
  const detail::ConfigHandle native = detail::ConfigAccess::native(config);
  return detail::explain(native.get());
}

/// As consent_explain(Config::from_env()): the environment alone.
inline ConsentExplanation consent_explain() { return detail::explain(nullptr); }

/// The short standard notice to show before asking for a choice.
inline std::string_view consent_notice() noexcept { return mt_consent_notice(); }

}  // namespace mycelium::telemetry

#endif  // MYCELIUM_TELEMETRY_CONSENT_HPP

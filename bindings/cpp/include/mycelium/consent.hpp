// The user's recorded choice (mt_consent_get, mt_consent_set, mt_consent_notice), so that a host
// tool can offer `mytool telemetry on|off|status`. Included by <mycelium/telemetry.hpp>.
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
/// off asks the collector to delete what it received (this may wait for the network).
/// Throws Error for an unknown level or invalid name, IoError when the file cannot be written.
inline void consent_set(Consent level, std::optional<std::string_view> app = std::nullopt) {
  const auto name = detail::app_argument(app, "consent_set");
  detail::check_consent(mt_consent_set(name ? name->c_str() : nullptr, static_cast<int>(level)),
                        "consent_set");
}

/// The short standard notice to show before asking for a choice.
inline std::string_view consent_notice() noexcept { return mt_consent_notice(); }

}  // namespace mycelium::telemetry

#endif  // MYCELIUM_TELEMETRY_CONSENT_HPP

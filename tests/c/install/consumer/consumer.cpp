// Uses the installed C++ binding through MyceliumTelemetry::cpp; run with no TELEMETRY_* set.
#include <mycelium/telemetry.hpp>

#include <iostream>
#include <string>

int main() {
  namespace telemetry = mycelium::telemetry;
  const std::string header_version = std::to_string(MT_VERSION_MAJOR) + "." +
                                     std::to_string(MT_VERSION_MINOR) + "." +
                                     std::to_string(MT_VERSION_PATCH);
  if (telemetry::version() != header_version) {
    std::cerr << "consumer_cpp: library " << telemetry::version() << ", header " << header_version
              << "\n";
    return 1;
  }
  telemetry::Client client = telemetry::Client::from_env();
  if (client.enabled()) {
    std::cerr << "consumer_cpp: expected a disabled client\n";
    return 1;
  }
  client.track_agent_usage("agent", "op", {{"duration_ms", 12}, {"success", true}});
  std::cout << "consumer_cpp: mycelium-telemetry " << telemetry::version()
            << ", disabled client ok\n";
  return 0;
}

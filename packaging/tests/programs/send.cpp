// Built against an installed package with CMake find_package(MyceliumTelemetry): one event of each
// type through the C++ binding, configured from TELEMETRY_*, sent when the client is destroyed.
#include <mycelium/telemetry.hpp>

#include <iostream>
#include <stdexcept>

int main() {
  namespace telemetry = mycelium::telemetry;
  telemetry::Client client = telemetry::Client::from_env();
  if (!client.enabled()) {
    std::cerr << "the client is not enabled\n";
    return 1;
  }
  client.track_agent_usage("agent-7", "clean-install-cmake", {{"duration_ms", 41}, {"success", true}});
  client.track_performance("latency", 12.5);
  try {
    throw std::runtime_error("could not read /home/alice/x");
  } catch (const std::exception& error) {
    client.track_error("std::runtime_error", error.what());
  }
  client.track_system_info();
  client.shutdown(std::chrono::milliseconds(5000));
  std::cout << telemetry::version() << "\n";
  return 0;
}

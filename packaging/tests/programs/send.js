// Run in an empty npm project holding only the package: one event of each type, from TELEMETRY_*.
const path = require('path');
const telemetry = require('mycelium-telemetry');

async function main() {
  const bundled = telemetry._contract.bundledLibrary();
  if (!bundled.startsWith(path.join(process.cwd(), 'node_modules', 'mycelium-telemetry'))) {
    throw new Error(`not the package's library: ${bundled}`);
  }
  const client = new telemetry.Client();
  if (!client.enabled) throw new Error('the client is not enabled');
  client.trackAgentUsage('agent-7', 'clean-install-node', { duration_ms: 41 });
  client.trackPerformance('latency', 12.5);
  client.trackError(new Error('could not read /home/alice/x'));
  client.trackSystemInfo();
  await client.shutdown(5000);
  console.log(telemetry.version);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});

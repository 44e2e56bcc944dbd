'use strict';

// Sends a few events to whatever TELEMETRY_ENDPOINT names, if TELEMETRY_ENABLED says yes.
// See README.md ("Try it") for a local collector to point it at.

const telemetry = require('.');

async function main() {
  const client = new telemetry.Client(); // configured from the environment
  console.log(`mycelium-telemetry ${telemetry.version}; telemetry enabled: ${client.enabled}`);

  client.trackSystemInfo();
  client.trackAgentUsage('alice@example.com', 'summarize', { duration_ms: 812, success: true, prompt: 'never sent' });
  client.trackPerformance('llm_latency', 812, 'ms', { session_id: 'session-42', model: 'small' });
  try {
    JSON.parse('{ not json');
  } catch (error) {
    client.trackError(error, { status_code: 400 });
  }

  const delivered = await client.flush(5000);
  console.log(`flushed: ${delivered}`, client.stats());
  await client.shutdown(2000);
}

main();

'use strict';

// Typed metadata keys and error detail levels, checked on what a loopback collector receives.

const test = require('node:test');
const assert = require('node:assert/strict');

const { Client, Config } = require('..');
const { startCollector, startReferenceCollector, enabledOptions } = require('./support');

const TRACE = [
  'TypeError: bad input from alice@example.com',
  '    at handle (/home/alice/srv/routes/api.js:88:13)',
  '    at /home/alice/srv/index.js:10:5',
].join('\n');

test('typed keys keep right-typed values and drop the rest', async (t) => {
  const collector = await startReferenceCollector();
  t.after(collector.close);
  const metadataFields = new Map([
    ['output_count', 'nonNegativeInteger'],
    ['streamed', 'boolean'],
    ['model', 'any'],
  ]);
  const client = new Client(enabledOptions(collector.endpoint, { metadataFields }));
  client.trackAgentUsage('a', 'right', { output_count: 7, streamed: true, model: 'm by alice@example.com', status_code: 201 });
  client.trackAgentUsage('a', 'wrong', { output_count: '7', streamed: 1, duration_ms: '41 ms for alice', status_code: 42 });
  client.trackError('E', 'm', undefined, { status_code: 503, success: 'yes' });
  assert.equal(await client.flush(10000), true);
  await client.shutdown(2000);
  const [right, wrong, error] = (await collector.events());
  assert.deepEqual(right.metadata, { output_count: 7, streamed: true, model: 'm by <email>', status_code: 201 });
  assert.equal(wrong.metadata, undefined);
  assert.deepEqual(error.context, { status_code: 503 });
});

for (const [errorDetail, message, trace] of [
  ['full', 'bad input from <email>', '<user>/srv/routes/api.js:88:13'],
  ['frames', '', 'api.js:88 in handle\nindex.js:10'],
  ['type', '', undefined],
]) {
  test(`errorDetail '${errorDetail}' changes what arrives`, async (t) => {
    const collector = await startReferenceCollector();
    t.after(collector.close);
    const client = new Client(enabledOptions(collector.endpoint, { errorDetail }));
    client.trackError('TypeError', 'bad input from alice@example.com', TRACE, { retry_count: 1 });
    assert.equal(await client.flush(10000), true);
    await client.shutdown(2000);
    const [event] = (await collector.events());
    assert.equal(event.error_type, 'TypeError');
    assert.equal(event.error_message, message);
    assert.deepEqual(event.context, { retry_count: 1 });
    if (trace === undefined) {
      assert.equal(event.stack_trace, undefined);
    } else if (errorDetail === 'full') {
      assert.ok(event.stack_trace.includes(trace), event.stack_trace);
    } else {
      assert.equal(event.stack_trace, trace);
    }
    assert.ok(!JSON.stringify(event).includes('alice'));
  });
}

test('bad privacy options throw before anything is sent', () => {
  assert.throws(() => new Config({ errorDetail: 'minimal' }), RangeError);
  assert.throws(() => new Config({ errorDetail: 2 }), TypeError);
  assert.throws(() => new Config({ metadataFields: { x: 'string' } }), RangeError);
  assert.throws(() => new Config({ metadataFields: [['x', 'any']] }), TypeError);
  assert.throws(() => new Config({ metadataFields: { api_token: 'boolean' } }), RangeError);
  assert.throws(() => new Config({ metadataFields: { status_code: 'boolean' } }), RangeError);
  assert.doesNotThrow(() => new Config({ metadataFields: { status_code: 'httpStatusCode', duration_ms: 'any' } }));
  assert.doesNotThrow(() => new Config({ errorDetail: 'frames', metadataFields: {} }));
});

test("protocol 'otlp' sends OTLP logs", async (t) => {
  const collector = await startCollector();
  t.after(collector.close);
  const endpoint = collector.endpoint.replace('/v1/events', '/v1/logs');
  const client = new Client(enabledOptions(endpoint, { protocol: 'otlp', appName: 'node-otlp', flushIntervalMs: 60000 }));
  client.trackError('TypeError', 'bad input from alice@example.com');
  client.trackSystemInfo();
  assert.equal(await client.flush(10000), true);
  await client.shutdown(2000);
  const [request] = await collector.requests();
  assert.equal(request.path, '/v1/logs');
  const [resourceLogs] = JSON.parse(request.body).resourceLogs;
  const resource = Object.fromEntries(resourceLogs.resource.attributes.map((a) => [a.key, a.value]));
  assert.deepEqual(resource['service.name'], { stringValue: 'node-otlp' });
  assert.deepEqual(resource['telemetry.sdk.language'], { stringValue: 'nodejs' });
  const records = resourceLogs.scopeLogs[0].logRecords;
  assert.deepEqual(records.map((r) => r.eventName), ['mycelium.error', 'mycelium.system_info']);
  assert.equal(records[0].severityNumber, 17);
  assert.ok(!request.body.includes('alice'));
});

test('protocol accepts only its words', () => {
  assert.throws(() => new Config({ protocol: 'zipkin' }), RangeError);
  assert.throws(() => new Config({ protocol: 1 }), TypeError);
});

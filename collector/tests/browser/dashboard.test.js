// The dashboard in a real headless Chromium (Debian's, driven by playwright-core), served by a
// real HTTP server on 127.0.0.1 (test.sh: the collector) over planted data. The server is one command line,
// MT_DASHBOARD_SERVER, with {addr} and {token} filled in here; test.sh sets it. The page must show
// what the same server's /api/summary answers: headline numbers, one bar per non-zero value in
// each chart with that value, titles and tables; with no console error, no request to anything
// but the server, no script run, and the stylesheet allowed by the Content-Security-Policy.

'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const command = process.env.MT_DASHBOARD_SERVER;
const expectFile = process.env.MT_DASHBOARD_EXPECT; // optional: the summary the data was planted for
const screenshot = process.env.MT_DASHBOARD_SCREENSHOT || path.join(os.tmpdir(), `dashboard-${process.pid}.png`);
const browserPath = process.env.MT_CHROMIUM || '/usr/bin/chromium';
const token = crypto.randomBytes(12).toString('hex');

let server;
let origin;
let browser;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, exited) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited.code !== undefined) throw new Error(`the server exited (${exited.code}) before answering`);
    try {
      await fetch(url);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no answer from ${url} in 30 s: ${err.message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const bearer = { headers: { Authorization: `Bearer ${token}` } };
const number = (n) => Number(n).toLocaleString('en-US');
const decimal = (x) => {
  const s = String(Number(Number(x).toFixed(2)));
  return s === '-0' ? '0' : s;
};

before(async () => {
  assert.ok(command, 'MT_DASHBOARD_SERVER (the server command line) must be set; test.sh sets it');
  assert.ok(fs.existsSync(browserPath), `no Chromium at ${browserPath} (bash .ci/setup.sh browser installs it)`);
  const addr = `127.0.0.1:${await freePort()}`;
  origin = `http://${addr}`;
  const line = command.replaceAll('{addr}', addr).replaceAll('{token}', token);
  const exited = {};
  server = spawn('/bin/sh', ['-c', `exec ${line}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  server.on('exit', (code) => { exited.code = code; });
  await waitForServer(`${origin}/`, exited);
  browser = await chromium.launch({
    executablePath: browserPath,
    // Root on CI needs --no-sandbox; the rest keeps Chromium from calling home on a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--no-pings'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

test('without the dashboard token the page and the summary answer 401 with a Basic challenge', async () => {
  for (const route of ['/', '/api/summary?days=30']) {
    const anonymous = await fetch(origin + route);
    assert.equal(anonymous.status, 401, route);
    assert.match(anonymous.headers.get('www-authenticate') || '', /^Basic realm=/, route);
    const wrong = await fetch(origin + route, { headers: { Authorization: 'Bearer not-the-token' } });
    assert.equal(wrong.status, 401, route);
  }
  const summary = await fetch(`${origin}/api/summary?days=30`, bearer);
  assert.equal(summary.status, 200);
  const basic = Buffer.from(`anyone:${token}`).toString('base64');
  const page = await fetch(`${origin}/`, { headers: { Authorization: `Basic ${basic}` } });
  assert.equal(page.status, 200);
});

test('the page shows the summary: numbers, charts, tables; nothing else loads or runs', async (t) => {
  const summary = await (await fetch(`${origin}/api/summary?days=30`, bearer)).json();
  if (expectFile) {
    const planted = JSON.parse(fs.readFileSync(expectFile, 'utf8'));
    for (const key of Object.keys(planted)) {
      assert.deepEqual(summary[key], planted[key], `/api/summary ${key} is what was planted`);
    }
  }

  const context = await browser.newContext({
    httpCredentials: { username: 'admin', password: token },
    viewport: { width: 1200, height: 900 },
    javaScriptEnabled: true, // the page has no script; a script that got in would run and show
  });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss(); });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith(`${origin}/`) ? route.continue() : route.abort();
  });

  const response = await page.goto(`${origin}/`, { waitUntil: 'load' });
  assert.equal(response.status(), 200);
  const policy = response.headers()['content-security-policy'] || '';
  assert.match(policy, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/, 'the CSP header');
  assert.ok(policy.includes("frame-ancestors 'none'"));
  assert.match(response.headers()['content-type'] || '', /^text\/html; charset=utf-8/i);
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');
  assert.equal(response.headers()['cache-control'], 'no-store', 'figures behind a token are not cached');
  // The hash in the policy is the hash of the page's <style>, and Chromium applied it.
  const css = await page.$eval('style', (s) => s.textContent);
  const hash = crypto.createHash('sha256').update(css, 'utf8').digest('base64');
  assert.ok(policy.includes(`'sha256-${hash}'`), 'the policy pins the stylesheet');
  assert.equal(await page.$eval('.headline div', (d) => getComputedStyle(d).borderTopLeftRadius), '6px');
  assert.equal(await page.$eval('svg.chart', (s) => getComputedStyle(s).display), 'block');

  assert.match(await page.title(), /^Telemetry dashboard/);
  assert.equal(await page.textContent('#installations'), number(summary.installations));
  const types = Object.entries(summary.events_by_type);
  const total = types.reduce((sum, [, n]) => sum + n, 0);
  assert.equal(await page.textContent('#events-total'), number(total));
  const shownTypes = await page.$$eval('dd[data-type]', (dds) => dds.map((d) => [d.dataset.type, d.textContent]));
  assert.deepEqual(new Map(shownTypes), new Map(types.map(([name, n]) => [name, number(n)])));
  assert.ok((await page.textContent('#window')).includes(`${summary.from} to ${summary.to}`));

  const bars = (id) => page.$$eval(`svg#${id} rect.bar`, (rects) => rects.map((r) => ({
    day: r.dataset.day, series: r.dataset.series, key: r.dataset.key, value: Number(r.dataset.value),
    height: Number(r.getAttribute('height')), width: Number(r.getAttribute('width')), title: r.querySelector('title').textContent,
  })));

  // Daily active installations: one column per day with installations, as tall as its share.
  const daily = await bars('chart-daily');
  const active = summary.daily_active_installations.filter((d) => d.installations > 0);
  assert.equal(daily.length, active.length, 'a column per day with data');
  assert.deepEqual(daily.map((b) => [b.day, b.value]), active.map((d) => [d.day, d.installations]));
  const tallest = daily.reduce((a, b) => (b.value > a.value ? b : a));
  for (const b of daily) assert.ok(Math.abs(b.height / tallest.height - b.value / tallest.value) < 0.02, `height of ${b.day}`);
  assert.ok(tallest.title.startsWith(`${tallest.day}: ${number(tallest.value)}`));

  // Events per type per day: one stacked segment per day and type with events.
  const segments = await bars('chart-types');
  const perDay = summary.events_per_type_per_day.filter((d) => d.events > 0);
  assert.ok(new Set(perDay.map((d) => d.event_type)).size <= 7, 'planted data fits the palette');
  assert.equal(segments.length, perDay.length);
  const key = (day, type) => `${day}|${type}`;
  assert.deepEqual(new Map(segments.map((s) => [key(s.day, s.series), s.value])),
    new Map(perDay.map((d) => [key(d.day, d.event_type), d.events])));
  assert.deepEqual(await page.$$eval('#events-per-type .legend li', (li) => li.map((l) => l.textContent).sort()),
    [...new Set([...types.map(([n]) => n), ...perDay.map((d) => d.event_type)])].sort());

  // Bar charts: a bar per row, in order, with its value.
  const rows = async (id) => (await bars(`chart-${id}`)).map((b) => [b.key, b.value]);
  assert.deepEqual(await rows('top-operations'), summary.top_operations.map((o) => [o.operation, o.events]));
  assert.deepEqual(await rows('error-rate'), summary.error_rate.map((e) => [`${e.library_version} · ${e.platform}`, e.rate]));
  assert.deepEqual(await rows('performance'), summary.performance.flatMap((m) => [
    [`${m.metric_name} (${m.unit}) p50`, m.p50], [`${m.metric_name} (${m.unit}) p95`, m.p95]]));
  assert.deepEqual(await rows('platforms'), summary.platforms.map((p) => [`${p.platform} · ${p.runtime}`, p.installations]));
  const perfText = await page.textContent('#performance table');
  for (const m of summary.performance) assert.ok(perfText.includes(decimal(m.p95)), `p95 of ${m.metric_name}`);
  const errorText = await page.textContent('#error-rate table');
  for (const e of summary.error_rate) assert.ok(errorText.includes(`${decimal(e.rate * 100)} %`), `rate of ${e.platform}`);

  // Accessible: every chart is an image named by its own title and description; tables follow.
  const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => ({
    role: s.getAttribute('role'),
    names: s.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id)?.textContent || ''),
  })));
  assert.equal(charts.length, 6);
  for (const c of charts) {
    assert.equal(c.role, 'img');
    assert.ok(c.names.every((n) => n.length > 0), JSON.stringify(c));
  }
  assert.deepEqual(await page.$$eval('svg.chart > title', (t) => t.map((x) => x.textContent)), [
    'Daily active installations', 'Events per type per day', 'Top operations',
    'Error rate by version and platform', 'Performance p50 and p95', 'Platforms and runtimes']);
  assert.equal(await page.$$eval('#top-operations tbody tr', (tr) => tr.length), summary.top_operations.length);
  assert.equal(await page.$$eval('#platforms tbody tr', (tr) => tr.length), summary.platforms.length);

  // Users' strings are text: the planted <script> operation shows as written and nothing ran.
  assert.equal(await page.$$eval('script, img, iframe, object, embed', (e) => e.length), 0);
  const operations = await page.$$eval('#top-operations tbody td:first-child', (td) => td.map((d) => d.textContent));
  assert.deepEqual(operations, summary.top_operations.map((o) => o.operation));
  if (expectFile) {
    // The planted data has hostile strings; they must be there, shown as text.
    assert.ok(operations.includes('<script>alert(1)</script>'), 'the planted <script> operation is shown');
    const runtimes = await page.textContent('#platforms table');
    assert.ok(runtimes.includes('<img src=x onerror=alert(1)>'), 'the planted <img> runtime is shown');
  }

  await page.screenshot({ path: screenshot, fullPage: true });
  assert.ok(fs.statSync(screenshot).size > 10_000, 'a screenshot with something on it');
  assert.deepEqual(problems, [], 'no console error or warning, no page error, no dialog');
  assert.deepEqual(requests.filter((u) => !u.startsWith(`${origin}/`)), [], 'no request beyond the server');
  assert.deepEqual(requests, [`${origin}/`], 'the page is one request');
});

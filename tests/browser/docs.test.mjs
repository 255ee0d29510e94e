// `/docs` as a person sees it: the native binary serves it, Debian's Chromium (driven by
// playwright-core) loads it, and the test checks what is on the screen.
//
//   npm run test:browser     (after `cargo build -p mcp-orchestration` and `scripts/setup.sh`)
//
// The binary is `MCP_TEST_BIN`, else the newest of `$CARGO_TARGET_DIR/{debug,release}/mcp-orchestration`
// (default target dir: `<repo>/target`). `CHROMIUM` overrides `/usr/bin/chromium`. The screenshots
// are kept in a temporary directory whose path the test prints.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, REPO, freePort, nativeBinary, sleep } from '../support/native.mjs';

const HEALTH_TIMEOUT_MS = 30_000;

describe('/docs in Chromium', { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcp-docs-browser-'));
  const shots = mkdtempSync(join(tmpdir(), 'mcp-docs-screenshots-'));
  const logPath = join(root, 'server.log');
  const apiKey = `browser-test-key-${process.pid}-${Date.now()}`;
  let server = null;
  let exited = null;
  let base = '';
  let browser = null;
  let page = null;
  let spec = null;
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];

  const serverLog = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '(no log)');

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const log = openSync(logPath, 'a');
    server = spawn(nativeBinary(), ['serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: {
        PATH: process.env.PATH,
        HOME: join(root, 'home'),
        MCP_ORCHESTRATION_HOME: join(root, 'data'),
        MCP_ORCHESTRATION_API_KEY: apiKey,
      },
      stdio: ['ignore', log, log],
    });
    server.on('exit', (code, signal) => { exited = signal || `code ${code}`; });
    // A test run that dies on its own (an uncaught error) still takes the server down.
    process.once('exit', () => { if (server && exited === null) server.kill('SIGKILL'); });

    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    for (;;) {
      if (exited !== null) throw new Error(`the server exited (${exited}) before /health answered; log:\n${serverLog()}`);
      try {
        const res = await fetch(`${base}/health`);
        if (res.ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`no /health from ${base} in ${HEALTH_TIMEOUT_MS} ms; log:\n${serverLog()}`);
      await sleep(100);
    }
    const res = await fetch(`${base}/openapi.json`);
    assert.equal(res.status, 200, 'GET /openapi.json');
    spec = await res.json();

    // launch() gives the browser a fresh temporary profile, removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location().url });
    });
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await page.goto(`${base}/docs`);
    await page.locator('#auth').waitFor();
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    if (server && exited === null) {
      server.kill('SIGTERM');
      for (let i = 0; i < 50 && exited === null; i++) await sleep(100);
      if (exited === null) server.kill('SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  });

  test('shows the API title, version and the authentication card', async () => {
    const title = spec.info.title;
    assert.equal(await page.title(), `${title} — API docs`);
    const h1 = await page.locator('header h1').innerText();
    assert.ok(h1.startsWith(title), `heading ${JSON.stringify(h1)} starts with ${JSON.stringify(title)}`);
    assert.match(h1, new RegExp(`v${spec.info.version.replace(/\./g, '\\.')} · OpenAPI ${spec.openapi.replace(/\./g, '\\.')}`));
    assert.equal(await page.locator('#loading').count(), 0, 'the loading note is gone');
    assert.ok(await page.locator('#auth h2', { hasText: 'Authentication' }).isVisible());
    const shot = join(shots, 'docs-top.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  test('lists every operation of /openapi.json once, in the page and in the side menu', async () => {
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    const expected = Object.entries(spec.paths)
      .flatMap(([path, item]) => methods.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    assert.ok(expected.length >= 20, `the spec lists ${expected.length} operations`);
    const shown = (await page.locator('details.op > summary').evaluateAll((els) => els.map((el) =>
      `${el.querySelector('.badge').textContent} ${el.querySelector('.op-path').textContent}`))).sort();
    assert.deepEqual(shown, expected);
    const menu = (await page.locator('nav a[title]').evaluateAll((els) => els.map((el) => el.title))).sort();
    assert.deepEqual(menu, expected);
  });

  test('"Try it" on GET /v1/clients: 401 without a credential, 200 with the API key', async () => {
    const op = page.locator('details.op')
      .filter({ has: page.locator('.badge', { hasText: /^GET$/ }) })
      .filter({ has: page.locator('.op-path', { hasText: /^\/v1\/clients$/ }) });
    assert.equal(await op.count(), 1, 'one GET /v1/clients operation');
    await op.locator('> summary').click();
    const send = op.getByRole('button', { name: 'Send' });
    const status = op.locator('.result-status');
    const output = op.locator('pre');

    assert.match(await page.locator('#auth .note').last().innerText(), /No credential saved/);
    await send.click();
    await status.filter({ hasText: '→' }).waitFor();
    assert.match(await status.innerText(), /^GET \/v1\/clients → 401\b/);
    assert.match(await output.innerText(), /"code": "AUTHENTICATION_REQUIRED"/);

    // The API key goes in X-API-Key (Bearer is for issued tokens).
    await page.locator('#auth-scheme').selectOption('apiKeyAuth');
    await page.locator('#auth-value').fill(apiKey);
    await page.locator('#auth').getByRole('button', { name: 'Save' }).click();
    assert.match(await page.locator('#auth .note').last().innerText(), /Saved for this browser tab \(apiKeyAuth\)/);

    await send.click();
    await status.filter({ hasText: '→ 200' }).waitFor();
    assert.match(await status.innerText(), /^GET \/v1\/clients → 200\b/);
    const body = JSON.parse(await output.innerText());
    const ids = body.clients.map((c) => c.client_id);
    assert.ok(ids.includes('claude-desktop'), `client ids ${JSON.stringify(ids)} include claude-desktop`);
    assert.match(await output.innerText(), /"client_id": "claude-desktop"/);

    // The credential lives in this tab's sessionStorage, not in localStorage.
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('mcp-orchestration.docs.credential'),
      local: localStorage.length,
    }));
    assert.deepEqual(JSON.parse(stored.session), { scheme: 'apiKeyAuth', value: apiKey });
    assert.equal(stored.local, 0);

    const shot = join(shots, 'docs-try-it.png');
    await status.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  test('talks only to its own server and logs no errors', () => {
    assert.ok(requests.some((u) => u === `${base}/openapi.json`), 'the page fetched /openapi.json');
    const foreign = requests.filter((u) => new URL(u).origin !== base);
    assert.deepEqual(foreign, [], 'requests to other origins');
    assert.deepEqual(pageErrors, [], 'uncaught page errors');
    // Chromium logs every non-2xx load as "Failed to load resource". Allowed: the 401 asked for
    // above (the page declares an inline icon, so no /favicon.ico 404 may appear).
    const unexpected = consoleErrors.filter((e) =>
      !(e.url === `${base}/v1/clients` && /status of 401\b/.test(e.text)));
    assert.deepEqual(unexpected, [], 'console errors');
  });
});

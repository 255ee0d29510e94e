// The web console as a person uses it, in Debian's Chromium driven by playwright-core: sign in,
// build a Claude Desktop profile's draft (filesystem with a path, github with its token),
// validate, publish, deploy, check the client file on disk, publish a change and deploy it, diff
// the two versions, deploy the first again and see its signature verified in the browser; then
// the catalog (a team server added from a server.json, a refused one, replace and remove), a
// secret given by reference, the import of a pasted client file, tokens and keys. The walk's
// GitHub token is a literal on purpose (Claude Desktop's file holds it as written), so
// validation shows its PLAINTEXT_SECRET warning next to the entry. Along the way: no request leaves the server's origin, no
// console error or page error, axe-core finds no serious or critical violation on the main
// screens, and screenshots (desktop and 375 px, light and dark) go to target/console-screenshots/.
//
//   npm run test:browser     (after `npm run build:web` and `cargo build -p mcp-orchestration`)
//
// By default the test starts the native binary (`MCP_TEST_BIN`, else the newest under
// `$CARGO_TARGET_DIR/{debug,release}`) with a temporary HOME, so the deploy writes a real client
// file there. `CONSOLE_BASE_URL` (with `CONSOLE_API_KEY`) points it at a running server instead,
// e.g. `wrangler dev` from scripts/worker-e2e.sh: the steps that read the client file on disk
// are then skipped (the edge host writes no file), everything else runs.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM, REPO, freePort, nativeBinary, sleep } from '../support/native.mjs';

const HEALTH_TIMEOUT_MS = 30_000;
const REMOTE = process.env.CONSOLE_BASE_URL || '';
const SHOTS = join(REPO, 'target', 'console-screenshots', REMOTE ? 'worker' : 'native');
const AXE = readFileSync(join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const CLIENT_FILE = ['.config', 'Claude', 'claude_desktop_config.json'];
const NO_FILE = 'the edge host writes no client file (CONSOLE_BASE_URL targets a server whose disk the test cannot read)';

describe(`the web console in Chromium (${REMOTE ? `against ${REMOTE}` : 'native host'})`, { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcp-console-browser-'));
  const home = join(root, 'home');
  const logPath = join(root, 'server.log');
  const apiKey = REMOTE ? (process.env.CONSOLE_API_KEY || '') : `console-test-key-${process.pid}-${Date.now()}`;
  const profile = REMOTE ? `console-${Date.now()}` : 'work';
  let server = null;
  let exited = null;
  let base = '';
  let browser = null;
  let context = null;
  let page = null;
  const requests = [];
  const consoleErrors = [];
  const pageErrors = [];
  // Answers the walk provokes on purpose: Chromium logs every non-2xx load as a console error.
  const expected = [];
  const expect = (path, status) => expected.push({ path, status });
  const artifacts = [];

  const serverLog = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '(no log)');
  const shot = async (name, p = page) => {
    const path = join(SHOTS, `${name}.png`);
    await p.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  };
  const clientFile = () => JSON.parse(readFileSync(join(home, ...CLIENT_FILE), 'utf8'));
  const profileSection = (id) => page.locator(`section#${id}`);

  /** axe-core, injected into the page, over the whole document: no serious or critical violation. */
  const axe = async (label, p = page) => {
    await p.evaluate(AXE);
    const found = await p.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    assert.deepEqual(found, [], `axe violations on ${label}`);
  };

  /** A new tab signed in with the API key, at `width` px in `scheme`, showing `hash`. */
  const openAs = async (width, scheme, hash) => {
    const p = await context.newPage();
    await p.addInitScript((value) => sessionStorage.setItem('mcp-orchestration.console.credential', value),
      JSON.stringify({ kind: 'api-key', value: apiKey }));
    await p.setViewportSize({ width, height: 812 });
    await p.emulateMedia({ colorScheme: scheme });
    await p.goto(`${base}/${hash}`);
    return p;
  };
  const noSidewaysScroll = async (p, width) => {
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px too wide)`);
  };

  /** Presses Tab until the focused element matches `selector` (and starts with `text`). */
  const tabTo = async (selector, text = '', max = 40) => {
    for (let i = 0; i < max; i++) {
      const here = await page.evaluate(([s, t]) => {
        const el = document.activeElement;
        return !!el && el.matches(s) && (el.textContent ?? '').trim().startsWith(t);
      }, [selector, text]);
      if (here) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${selector} ${text}`);
  };
  const focused = () => page.evaluate(() => document.activeElement?.id ?? '');
  /** The id of the focused element once it is `id`, or whatever holds the focus after 5 s. */
  const focusedOn = async (id) => {
    await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 })
      .catch(() => {});
    return focused();
  };

  before(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    if (REMOTE) {
      assert.ok(apiKey, 'CONSOLE_BASE_URL needs CONSOLE_API_KEY');
      base = REMOTE.replace(/\/$/, '');
    } else {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const log = openSync(logPath, 'a');
      server = spawn(nativeBinary(), ['serve', '--host', '127.0.0.1', '--port', String(port)], {
        env: {
          PATH: process.env.PATH,
          HOME: home,
          MCP_ORCHESTRATION_HOME: join(root, 'data'),
          MCP_ORCHESTRATION_API_KEY: apiKey,
        },
        stdio: ['ignore', log, log],
      });
      server.on('exit', (code, signal) => { exited = signal || `code ${code}`; });
      process.once('exit', () => { if (server && exited === null) server.kill('SIGKILL'); });
    }
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    for (;;) {
      if (exited !== null) throw new Error(`the server exited (${exited}) before /health answered; log:\n${serverLog()}`);
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`no /health from ${base} in ${HEALTH_TIMEOUT_MS} ms; log:\n${serverLog()}`);
      await sleep(100);
    }

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    context.on('request', (req) => requests.push(req.url()));
    context.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location().url });
    });
    context.on('weberror', (err) => pageErrors.push(String(err.error())));
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

  test('/ serves the console, which asks to sign in and refuses a wrong key with a clear message', async () => {
    const res = await page.goto(`${base}/`);
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-type'], /^text\/html/);
    await page.getByRole('heading', { name: 'mcp-orchestration' }).waitFor();
    assert.equal(await page.title(), 'mcp-orchestration console');
    await axe('the sign-in screen');
    await shot('signin-desktop-light');

    expect('/v1/clients', 401);
    await page.getByLabel('the API key').check();
    await page.getByLabel(/^API key/).fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /refused this API key/);
    assert.match(await alert.innerText(), /INVALID_CREDENTIALS/);
  });

  test('signs in with the keyboard only (Tab, arrows, Enter) and lands on the clients', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'mcp-orchestration' }).waitFor();
    await tabTo('input[type=radio][value=token]');
    await page.keyboard.press('ArrowRight');
    assert.ok(await page.getByLabel('the API key').isChecked(), 'the arrow key chose the API key');
    await tabTo('#credential');
    await page.keyboard.type(apiKey);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('mcp-orchestration.console.credential'), local: localStorage.length,
    }));
    assert.deepEqual(JSON.parse(stored.session), { kind: 'api-key', value: apiKey });
    assert.equal(stored.local, 0, 'nothing in localStorage');
    await page.getByRole('link', { name: /Claude Desktop/ }).waitFor();
    await axe('the clients screen');
    await shot('clients-desktop-light');
  });

  test('the main screen at 375 px and in dark mode', async () => {
    for (const [width, scheme] of [[375, 'light'], [375, 'dark'], [1280, 'dark']]) {
      const p = await openAs(width, scheme, '#/clients');
      await p.getByRole('link', { name: /Claude Desktop/ }).waitFor();
      await noSidewaysScroll(p, width);
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (scheme === 'dark') assert.notEqual(bg, 'rgb(246, 247, 249)', 'dark mode changes the background');
      await axe(`the clients screen (${width} px, ${scheme})`, p);
      await shot(`clients-${width === 375 ? 'mobile' : 'desktop'}-${scheme}`, p);
      await p.close();
    }
  });

  test('Claude Desktop → a new profile, by keyboard to the client', async () => {
    await tabTo('a.card-link[href="#/clients/claude-desktop"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Claude Desktop', level: 1 }).waitFor();
    await page.getByRole('list', { name: 'Profiles' }).getByRole('link', { name: 'default' }).waitFor();

    // A profile with a path override, listed with it; then the override cleared.
    const other = `${profile}-wsl`;
    // A profile's page asks what is deployed (nothing yet) and for the public key (none yet on a
    // fresh server): both are 404s.
    expect(`/v1/config/claude-desktop/${other}/deployed`, 404);
    expect(`/v1/config/claude-desktop/${profile}/deployed`, 404);
    expect('/v1/keys/public', 404);
    const otherPath = join(home, 'wsl', 'claude_desktop_config.json');
    await page.getByLabel(/^Profile name/).fill(other);
    await page.getByRole('textbox', { name: /^Path override/ }).fill(otherPath);
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: other, level: 1 }).waitFor();
    await page.goBack();
    const listed = page.getByRole('list', { name: 'Profiles' }).locator('li').filter({ hasText: other });
    await listed.filter({ hasText: otherPath }).waitFor();
    await page.getByRole('combobox', { name: /^Profile\b/ }).selectOption(other);
    await page.getByRole('button', { name: 'Save path' }).click();
    await page.getByText(`Profile ${other} deploys to the client's usual file again.`).waitFor();
    await listed.filter({ hasNotText: otherPath }).waitFor();

    await page.getByLabel(/^Profile name/).fill(profile);
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: profile, level: 1 }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/clients/claude-desktop/${profile}`);
  });

  test('adds filesystem with a path and github with its token through the generated forms', async () => {
    const dir = join(home, 'Documents');
    const draft = profileSection('draft');
    await draft.getByText('The draft is empty').waitFor();

    await draft.getByLabel('Find a server in the catalog').fill('filesystem');
    await draft.getByRole('button', { name: /^Filesystem\b/ }).click();
    const form = draft.locator('form.server-form');
    assert.equal(await form.locator('#add-name').inputValue(), 'filesystem', 'the entry name defaults to the server id');
    assert.equal(await form.locator('#add-param-path').getAttribute('required'), '', 'path is marked required');
    assert.match(await form.locator('#add-param-path-hint').innerText(), /Example: "\/Users\/me\/Documents"/);
    await form.locator('#add-param-path').fill(dir);
    await form.getByRole('button', { name: 'Add to draft' }).click();
    await draft.locator('li.entry[data-entry="filesystem"]').waitFor();

    await draft.getByLabel('Find a server in the catalog').fill('github');
    await draft.getByRole('button', { name: /^GitHub stdio/ }).click();
    // A secret field refers to the secret of its name by default; the walk writes the token as a
    // literal instead (Claude Desktop's file holds it as written), which validation warns about.
    const token = form.locator('#add-env-GITHUB_PERSONAL_ACCESS_TOKEN');
    await token.waitFor();
    assert.ok(await form.getByLabel('Reference a secret by name').isChecked(), 'a secret is referenced by default');
    assert.equal(await token.inputValue(), 'GITHUB_PERSONAL_ACCESS_TOKEN', 'the reference defaults to the secret of its name');
    await form.getByLabel('Literal value').check();
    assert.equal(await token.getAttribute('type'), 'password', 'a literal secret is masked');
    await token.fill('github_pat_console_test');
    await form.getByRole('button', { name: 'Add to draft' }).click();
    await draft.locator('li.entry[data-entry="github"]').waitFor();
    assert.match(await draft.locator('li.entry[data-entry="filesystem"] .cmd').innerText(), new RegExp(`server-filesystem ${dir.replace(/[/.]/g, '\\$&')}`));

    // The payload as JSON, and the client's file as the core renders it in the browser.
    const payload = JSON.parse(await draft.getByLabel('Payload as JSON').innerText());
    assert.deepEqual(Object.keys(payload.mcpServers).sort(), ['filesystem', 'github']);
    await draft.getByRole('tab', { name: 'Client file preview' }).click();
    const file = JSON.parse(await draft.locator('#panel-file pre').innerText());
    assert.equal(file.mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN, 'github_pat_console_test');
    assert.deepEqual(file.mcpServers.filesystem.args.slice(-1), [dir]);
    await draft.getByRole('tab', { name: 'Payload (JSON)' }).click();
  });

  test('validates, initializes keys if needed, publishes with a changelog', async () => {
    const panel = profileSection('publish');
    await panel.getByRole('button', { name: 'Validate' }).click();
    await panel.getByText(/Valid: 2 servers, 1 warning/).waitFor();
    // The literal token's warning sits next to its entry.
    const warning = profileSection('draft').locator('li.entry[data-entry="github"] .issue.warning');
    assert.match(await warning.innerText(), /GITHUB_PERSONAL_ACCESS_TOKEN.*PLAINTEXT_SECRET/s);
    const init = panel.getByRole('button', { name: 'Initialize signing keys' });
    if (await init.isVisible()) {
      await init.click();
      await init.waitFor({ state: 'detached' });
    }
    await panel.getByLabel('Changelog').fill('filesystem and github');
    await panel.getByRole('button', { name: 'Publish' }).click();
    const done = panel.getByText(/Published artifact/);
    await done.waitFor();
    artifacts.push(await done.locator('code').getAttribute('title'));
    assert.match(artifacts[0], /^[0-9a-f]{64}$/);
    const row = profileSection('history').locator(`tr[data-artifact="${artifacts[0]}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /filesystem and github/);
    await row.getByText('✓ Signature verified').waitFor();
    await axe('the profile screen');
    await shot('profile-desktop-light');
  });

  test('deploys after a dry-run preview', async () => {
    const panel = profileSection('deploy');
    await panel.getByRole('button', { name: 'Preview deploy' }).click();
    const preview = panel.locator('.preview');
    await preview.waitFor();
    assert.match(await preview.locator('.outcome').innerText(), /Added\s+filesystem\s*github/);
    await shot('deploy-preview-desktop-light');
    await panel.getByRole('button', { name: 'Deploy now' }).click();
    await panel.locator('.ok-box').waitFor();
    await panel.getByText('Deployed now:').waitFor();
    await panel.locator('.deployed-now').getByText('✓ Signature verified').waitFor();
  });

  test('the client file on disk holds both servers', { skip: REMOTE ? NO_FILE : false }, () => {
    const file = clientFile();
    assert.deepEqual(Object.keys(file.mcpServers).sort(), ['filesystem', 'github']);
    assert.equal(file.mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN, 'github_pat_console_test');
    assert.equal(file.mcpServers.filesystem.args.at(-1), join(home, 'Documents'));
  });

  test('publishes a change (github out, memory in) and deploys it', async () => {
    const draft = profileSection('draft');
    await draft.getByRole('button', { name: 'Remove github' }).click();
    await draft.locator('li.entry[data-entry="github"]').waitFor({ state: 'detached' });
    // By keyboard: Tab to the search, type, Tab to the server, Enter, Enter (submits the form).
    await tabTo('#server-search');
    await page.keyboard.type('memory');
    await draft.getByRole('button', { name: /^Memory\b/ }).waitFor();
    await tabTo('button.pick-item', 'Memory');
    await page.keyboard.press('Enter');
    await draft.locator('form.server-form').waitFor();
    assert.equal(await focusedOn('add-name'), 'add-name', 'the form opens with the entry name focused');
    await page.keyboard.press('Enter');
    await draft.locator('li.entry[data-entry="memory"]').waitFor();
    assert.equal(await focusedOn('server-search'), 'server-search', 'focus returns to the search');

    const publish = profileSection('publish');
    await publish.getByLabel('Changelog').fill('memory instead of github');
    await publish.getByRole('button', { name: 'Publish' }).click();
    await profileSection('history').locator('tbody tr').nth(1).waitFor();
    artifacts.push(await profileSection('history').locator('tbody tr').first().getAttribute('data-artifact'));
    assert.notEqual(artifacts[1], artifacts[0]);

    const deploy = profileSection('deploy');
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    const outcome = deploy.locator('.preview .outcome');
    await outcome.waitFor();
    assert.match(await outcome.innerText(), /Added\s+memory/);
    assert.match(await outcome.innerText(), /Removed\s+github/);
    assert.match(await outcome.innerText(), /Unchanged\s+filesystem/);
    await deploy.getByRole('button', { name: 'Deploy now' }).click();
    await deploy.locator('.ok-box').waitFor();
    if (!REMOTE) assert.deepEqual(Object.keys(clientFile().mcpServers).sort(), ['filesystem', 'memory']);
  });

  test('diffs the two versions side by side', async () => {
    const compare = page.locator('#compare');
    await compare.waitFor();
    assert.equal(await compare.getByLabel('From (older)').inputValue(), artifacts[0]);
    assert.equal(await compare.getByLabel('To (newer)').inputValue(), artifacts[1]);
    await compare.getByText('1 added, 1 removed, 0 modified, 1 unchanged.').waitFor();
    const row = (name) => compare.locator(`tr[data-entry="${name}"]`);
    assert.equal(await row('github').getAttribute('class'), 'removed');
    assert.equal(await row('memory').getAttribute('class'), 'added');
    assert.equal(await row('filesystem').getAttribute('class'), 'same');
    assert.match(await row('github').locator('td').first().innerText(), /GITHUB_PERSONAL_ACCESS_TOKEN/);
    assert.equal(await row('github').locator('td').last().innerText(), 'absent');
    await compare.scrollIntoViewIfNeeded();
    await shot('diff-desktop-light');
  });

  test('deploys the first version again, and its signature shows verified', async () => {
    const deploy = profileSection('deploy');
    await deploy.getByLabel('Artifact to deploy').selectOption(artifacts[0]);
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    const outcome = deploy.locator('.preview .outcome');
    await outcome.waitFor();
    assert.match(await outcome.innerText(), /Added\s+github/);
    assert.match(await outcome.innerText(), /Removed\s+memory/);
    await deploy.getByRole('button', { name: 'Deploy now' }).click();
    await deploy.locator('.ok-box').waitFor();
    const now = deploy.locator('.deployed-now');
    await now.locator(`code[title="${artifacts[0]}"]`).waitFor();
    await now.getByText('✓ Signature verified').waitFor();
    await profileSection('history').locator(`tr[data-artifact="${artifacts[0]}"] .badge.deployed`).waitFor();
    if (!REMOTE) assert.deepEqual(Object.keys(clientFile().mcpServers).sort(), ['filesystem', 'github']);
    await shot('profile-deployed-desktop-light');

    for (const [width, scheme] of [[375, 'light'], [375, 'dark'], [1280, 'dark']]) {
      const p = await openAs(width, scheme, `#/clients/claude-desktop/${profile}`);
      await p.locator('.deployed-now').getByText('✓ Signature verified').waitFor();
      await noSidewaysScroll(p, width);
      await axe(`the profile screen (${width} px, ${scheme})`, p);
      await shot(`profile-${width === 375 ? 'mobile' : 'desktop'}-${scheme}`, p);
      await p.close();
    }
  });

  test('a deploy that clashes with an entry the profile did not write offers to adopt it', { skip: REMOTE ? NO_FILE : false }, async () => {
    // A client file of the user's own, with a "memory" entry and another setting.
    const clash = `${profile}-clash`;
    const path = join(home, 'clash', 'claude_desktop_config.json');
    mkdirSync(join(home, 'clash'), { recursive: true });
    writeFileSync(path, JSON.stringify({ theme: 'dark', mcpServers: { memory: { command: 'my-memory', args: [] } } }, null, 2));
    expect(`/v1/config/claude-desktop/${clash}/deployed`, 404);
    expect(`/v1/config/claude-desktop/${clash}/deploy`, 409);

    await page.goto(`${base}/#/clients/claude-desktop`);
    await page.getByLabel(/^Profile name/).fill(clash);
    await page.getByRole('textbox', { name: /^Path override/ }).fill(path);
    await page.getByRole('button', { name: 'Create profile' }).click();
    await page.getByRole('heading', { name: clash, level: 1 }).waitFor();
    const draft = profileSection('draft');
    await draft.getByLabel('Find a server in the catalog').fill('memory');
    await draft.getByRole('button', { name: /^Memory\b/ }).click();
    await draft.locator('form.server-form').getByRole('button', { name: 'Add to draft' }).click();
    await draft.locator('li.entry[data-entry="memory"]').waitFor();
    await profileSection('publish').getByRole('button', { name: 'Publish' }).click();
    await profileSection('publish').getByText(/Published artifact/).waitFor();

    const deploy = profileSection('deploy');
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    const alert = deploy.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /ENTRY_CONFLICT/);
    assert.match(await deploy.locator('.notice').innerText(), /that this profile did not write: memory/);
    await deploy.getByLabel(/Take them over/).check();
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    await deploy.locator('.preview .outcome').waitFor();
    await deploy.getByRole('button', { name: 'Deploy now' }).click();
    await deploy.locator('.ok-box').waitFor();
    const file = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(file.theme, 'dark', 'the other settings are kept');
    assert.equal(file.mcpServers.memory.command, 'npx', 'the adopted entry is the published one');

    // The profile's own file read back by the host (`{}`): the deployed entry, linked to memory.
    const panel = page.locator('details#import');
    await panel.locator('summary').click();
    await panel.getByRole('button', { name: 'Read this profile’s own file' }).click();
    const result = panel.locator('.import-result');
    await result.waitFor();
    assert.match(await result.innerText(), /Linked to the catalog\s+memory → memory/);
  });

  test('the catalog: search, tag and transport filters, a server’s details', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    const status = page.locator('main p[role=status]');
    await status.filter({ hasText: /^\d+ servers$/ }).waitFor();
    const total = Number((await status.innerText()).split(' ')[0]);
    assert.ok(total >= 40, `${total} servers`);
    await page.getByLabel('Transport').selectOption('http');
    await status.filter({ hasText: /^\d+ servers?$/ }).filter({ hasNotText: `${total} servers` }).waitFor();
    const remote = await page.locator('ul.cards .badge').allInnerTexts();
    assert.ok(remote.length > 0 && remote.every((t) => t === 'http'), `only http servers: ${remote}`);
    await page.getByLabel('Transport').selectOption('');
    await page.getByLabel('Tag').selectOption('git');
    await page.getByRole('link', { name: /^GitHub stdio/ }).waitFor();
    const tagged = await page.locator('ul.cards li').evaluateAll((items) => items.map((li) =>
      [...li.querySelectorAll('.tag')].map((t) => t.textContent)));
    assert.ok(tagged.length < total && tagged.every((tags) => tags.includes('git')), `only servers tagged git: ${JSON.stringify(tagged)}`);
    await page.getByLabel('Search').fill('github');
    await status.filter({ hasText: /^\d+ servers?$/ }).filter({ hasNotText: `${tagged.length} servers` }).waitFor();
    await axe('the catalog');
    await shot('catalog-desktop-light');
    await page.getByRole('link', { name: /^GitHub stdio/ }).click();
    await page.getByRole('heading', { name: 'GitHub', level: 1 }).waitFor();
    const env = page.locator('section#env');
    assert.match(await env.innerText(), /GITHUB_PERSONAL_ACCESS_TOKEN\s+yes\s+yes/);
    assert.match(await page.locator('section#parameters').innerText(), /read_only\s+bool\s+no\s+false/);
    await axe('a server’s details');
  });

  // A team server from its server.json: npm package, a required secret env var.
  const teamServer = {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: 'io.github.acme/acme-tickets',
    title: 'Acme Tickets',
    description: 'Tickets of Acme’s tracker.',
    version: '1.4.0',
    repository: { url: 'https://github.com/acme/acme-tickets', source: 'github' },
    packages: [{
      registryType: 'npm', identifier: '@acme/tickets-mcp', version: '1.4.0', transport: { type: 'stdio' },
      environmentVariables: [{ name: 'ACME_TOKEN', description: 'API token', isRequired: true, isSecret: true }],
    }],
  };

  test('the catalog: a refused server.json shows the detail; an added one is listed as a team entry', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    const add = page.locator('details#add-server-json');
    await add.locator('summary').click();
    // A registry type the catalog cannot run: the server's 400 names the field, beside the input.
    expect('/v1/servers', 400);
    const refused = { ...teamServer, packages: [{ ...teamServer.packages[0], registryType: 'nuget' }] };
    await add.getByLabel('server.json', { exact: true }).fill(JSON.stringify(refused, null, 2));
    await add.getByRole('button', { name: 'Add to the catalog' }).click();
    const alert = add.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /registryType/);
    assert.match(await alert.innerText(), /SERVER_JSON_INVALID · HTTP 400/);
    assert.equal(await add.getByLabel('server.json', { exact: true }).getAttribute('aria-invalid'), 'true');

    // The right one, previewed in the browser, then added.
    await add.getByLabel('server.json', { exact: true }).fill(JSON.stringify(teamServer, null, 2));
    await add.locator('.mapping').filter({ hasText: 'acme-tickets' }).waitFor();
    assert.match(await add.locator('.mapping').innerText(), /npx -y @acme\/tickets-mcp@1\.4\.0.*ACME_TOKEN \(secret\)/s);
    await add.getByRole('button', { name: 'Add to the catalog' }).click();
    await add.getByRole('status').filter({ hasText: '✓' }).waitFor();
    await page.getByLabel('Search').fill('acme');
    const card = page.locator('ul.cards li').filter({ hasText: 'Acme Tickets' });
    await card.waitFor();
    assert.match(await card.locator('.origin').innerText(), /^team$/);
    await page.getByLabel('Search').fill('filesystem');
    await page.locator('ul.cards li').filter({ hasText: 'acme' }).waitFor({ state: 'detached' });
    assert.match(await page.locator('ul.cards li').first().locator('.origin').innerText(), /^built-in$/);
    await axe('the catalog with a refused server.json');
    await shot('catalog-add-server-json-desktop-light');

    // Its page: the origin, the secret env var, and replace (PUT) for a team entry.
    await page.getByLabel('Search').fill('acme');
    await card.locator('a').click();
    await page.getByRole('heading', { name: 'Acme Tickets', level: 1 }).waitFor();
    assert.match(await page.locator('section#runs').innerText(), /Origin\s+team/);
    assert.match(await page.locator('section#env').innerText(), /ACME_TOKEN\s+yes\s+yes/);
    const team = page.locator('section#team-entry');
    await team.getByLabel('server.json', { exact: true }).fill(JSON.stringify({ ...teamServer, description: 'Tickets of Acme’s tracker, v2.' }));
    await team.getByRole('button', { name: 'Replace acme-tickets' }).click();
    await team.getByRole('status').filter({ hasText: '✓' }).waitFor();
    await page.getByText('Tickets of Acme’s tracker, v2.').first().waitFor();
    await axe('a team server’s details');
    await shot('catalog-team-server-desktop-light');

    for (const [width, scheme] of [[375, 'light'], [375, 'dark']]) {
      for (const hash of ['#/catalog', '#/catalog/acme-tickets']) {
        const p = await openAs(width, scheme, hash);
        if (hash === '#/catalog') await p.locator('details#add-server-json summary').click();
        await p.getByLabel('server.json', { exact: true }).waitFor();
        await noSidewaysScroll(p, width);
        await axe(`${hash} (${width} px, ${scheme})`, p);
        await shot(`${hash === '#/catalog' ? 'catalog-add' : 'catalog-team-server'}-mobile-${scheme}`, p);
        await p.close();
      }
    }
  });

  test('a built-in server has no replace or remove; a team server is removed after a confirm', async () => {
    // A second team entry, added through the API, then removed through the console.
    const res = await fetch(`${base}/v1/servers`, {
      method: 'POST', headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...teamServer, name: 'io.github.acme/acme-old', title: 'Acme Old' }),
    });
    assert.equal(res.status, 201);
    await page.goto(`${base}/#/catalog/filesystem`);
    await page.getByRole('heading', { name: 'Filesystem', level: 1 }).waitFor();
    assert.match(await page.locator('section#runs').innerText(), /Origin\s+built-in/);
    assert.equal(await page.locator('section#team-entry').count(), 0, 'built-in entries are read-only');
    await page.goto(`${base}/#/catalog/acme-old`);
    await page.getByRole('heading', { name: 'Acme Old', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Remove acme-old from the catalog' }).click();
    await axe('the confirm of a removal');
    await page.getByRole('button', { name: 'Confirm: remove acme-old from the catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    const gone = await fetch(`${base}/v1/servers/acme-old`, { headers: { 'X-API-Key': apiKey } });
    assert.equal(gone.status, 404, 'the entry is gone');
  });

  test('a secret given by reference: the payload and the client file hold the reference, not a value', async () => {
    const team = `${profile}-team`;
    expect(`/v1/config/cursor/${team}/deployed`, 404);
    await page.goto(`${base}/#/clients/cursor/${team}`);
    await page.getByRole('heading', { name: team, level: 1 }).waitFor();
    const draft = profileSection('draft');
    await draft.getByLabel('Find a server in the catalog').fill('acme');
    await draft.getByRole('button', { name: /^Acme Tickets/ }).click();
    const form = draft.locator('form.server-form');
    assert.ok(await form.getByLabel('Reference a secret by name').isChecked());
    await form.locator('#add-env-ACME_TOKEN').fill('ACME_TICKETS_TOKEN');
    await axe('the add form with a secret reference');
    await form.getByRole('button', { name: 'Add to draft' }).click();
    const entry = draft.locator('li.entry[data-entry="acme-tickets"]');
    await entry.waitFor();
    assert.match(await entry.locator('.settings').innerText(), /ACME_TOKEN=secret:ACME_TICKETS_TOKEN/);
    const payload = JSON.parse(await draft.getByLabel('Payload as JSON').innerText());
    assert.deepEqual(payload.mcpServers['acme-tickets'].env, { ACME_TOKEN: { secret: 'ACME_TICKETS_TOKEN' } });
    await draft.getByRole('tab', { name: 'Client file preview' }).click();
    const file = JSON.parse(await draft.locator('#panel-file pre').innerText());
    assert.equal(file.mcpServers['acme-tickets'].env.ACME_TOKEN, '${env:ACME_TICKETS_TOKEN}', 'Cursor’s own reference');
    await draft.getByRole('tab', { name: 'Payload (JSON)' }).click();
    await profileSection('publish').getByRole('button', { name: 'Validate' }).click();
    await profileSection('publish').getByText(/Valid: 1 server\./).waitFor();
    assert.equal(await entry.locator('.issue').count(), 0, 'a reference is no plaintext secret');
    await shot('profile-secret-reference-desktop-light');
  });

  test('a remote team server’s secret header, by reference: its prefix kept, Cursor’s file refers to it', async () => {
    const res = await fetch(`${base}/v1/servers`, {
      method: 'POST', headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'io.github.acme/acme-remote', title: 'Acme Remote', description: 'Acme’s hosted MCP server.', version: '2.0.0',
        websiteUrl: 'https://acme.example/mcp',
        remotes: [{
          type: 'streamable-http', url: 'https://mcp.acme.example/mcp',
          headers: [{
            name: 'Authorization', value: 'Bearer {api_key}', isRequired: true, isSecret: true, description: 'API key',
            variables: { api_key: { description: 'Acme API key', isRequired: true, isSecret: true } },
          }],
        }],
      }),
    });
    assert.equal(res.status, 201, await res.text());
    await page.goto(`${base}/#/clients/cursor/${profile}-team`);
    const draft = profileSection('draft');
    await draft.getByLabel('Find a server in the catalog').fill('acme remote');
    await draft.getByRole('button', { name: /^Acme Remote/ }).click();
    const form = draft.locator('form.server-form');
    assert.ok(await form.getByLabel('Reference a secret by name').isChecked(), 'a secret header is referenced by default');
    assert.match(await form.locator('#add-header-Authorization-hint').innerText(), /Bearer/);
    await form.locator('#add-header-Authorization').fill('ACME_API_TOKEN');
    await form.getByRole('button', { name: 'Add to draft' }).click();
    const entry = draft.locator('li.entry[data-entry="acme-remote"]');
    await entry.waitFor();
    assert.match(await entry.locator('.settings').innerText(), /headers: Authorization=secret:ACME_API_TOKEN/);
    const payload = JSON.parse(await draft.getByLabel('Payload as JSON').innerText());
    assert.equal(payload.mcpServers['acme-remote'].headers.Authorization.secret, 'ACME_API_TOKEN');
    await draft.getByRole('tab', { name: 'Client file preview' }).click();
    const file = JSON.parse(await draft.locator('#panel-file pre').innerText());
    assert.equal(file.mcpServers['acme-remote'].headers.Authorization, 'Bearer ${env:ACME_API_TOKEN}');
    await draft.getByRole('tab', { name: 'Payload (JSON)' }).click();
  });

  test('Claude Desktop has no reference syntax: SECRET_UNRESOLVED until the machine has the value, which only the file holds', { skip: REMOTE ? NO_FILE : false }, async () => {
    const filled = `${profile}-filled`;
    const path = join(home, 'filled', 'claude_desktop_config.json');
    const made = await fetch(`${base}/v1/clients/claude-desktop/profiles`, {
      method: 'POST', headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ profile_id: filled, config_path: path }),
    });
    assert.ok(made.ok, `profile created: ${made.status}`);
    expect(`/v1/config/claude-desktop/${filled}/deployed`, 404);
    expect(`/v1/config/claude-desktop/${filled}/deploy`, 409);
    await page.goto(`${base}/#/clients/claude-desktop/${filled}`);
    await page.getByRole('heading', { name: filled, level: 1 }).waitFor();
    const draft = profileSection('draft');
    await draft.getByLabel('Find a server in the catalog').fill('acme');
    await draft.getByRole('button', { name: /^Acme Tickets/ }).click();
    await draft.locator('#add-env-ACME_TOKEN').fill('ACME_TICKETS_TOKEN');
    await draft.locator('form.server-form').getByRole('button', { name: 'Add to draft' }).click();
    await draft.locator('li.entry[data-entry="acme-tickets"]').waitFor();
    await draft.getByRole('tab', { name: 'Client file preview' }).click();
    await draft.locator('#panel-file .notice').filter({ hasText: 'cannot refer to a secret' }).waitFor();
    const preview = JSON.parse(await draft.locator('#panel-file pre').innerText());
    assert.equal(preview.mcpServers['acme-tickets'].env.ACME_TOKEN, '<secret ACME_TICKETS_TOKEN, filled in on deploy>');
    await draft.getByRole('tab', { name: 'Payload (JSON)' }).click();
    await profileSection('publish').getByRole('button', { name: 'Publish' }).click();
    await profileSection('publish').getByText(/Published artifact/).waitFor();

    // The server's machine lacks the value: the deploy's 409 shows its detail and what to do.
    const deploy = profileSection('deploy');
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    const alert = deploy.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /ACME_TICKETS_TOKEN[\s\S]*SECRET_UNRESOLVED · HTTP 409/);
    await deploy.locator('.notice').filter({ hasText: 'secrets.json' }).waitFor();
    await axe('a deploy refused for a missing secret');

    // The value in the server's local secrets file (0600): the deploy fills it into the file only.
    const value = `acme-value-${process.pid}`;
    writeFileSync(join(root, 'data', 'secrets.json'), JSON.stringify({ ACME_TICKETS_TOKEN: value }), { mode: 0o600 });
    await deploy.getByRole('button', { name: 'Preview deploy' }).click();
    await deploy.locator('.preview .outcome').waitFor();
    await deploy.getByRole('button', { name: 'Deploy now' }).click();
    await deploy.locator('.ok-box').waitFor();
    const file = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(file.mcpServers['acme-tickets'].env.ACME_TOKEN, value, 'the file holds the value filled in locally');
    const history = await (await fetch(`${base}/v1/config/claude-desktop/${filled}/history`, { headers: { 'X-API-Key': apiKey } })).text();
    assert.ok(history.includes('ACME_TICKETS_TOKEN') && !history.includes(value), 'the artifacts hold the reference, not the value');
  });

  test('imports a pasted client file: linked and custom entries, secret-looking literals, the draft', async () => {
    const imported = `${profile}-import`;
    expect(`/v1/config/cursor/${imported}/deployed`, 404);
    await page.goto(`${base}/#/clients/cursor/${imported}`);
    await page.getByRole('heading', { name: imported, level: 1 }).waitFor();
    const panel = page.locator('details#import');
    await panel.locator('summary').click();
    const text = JSON.stringify({
      mcpServers: {
        notes: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
        mine: { command: '/opt/mine/bin/serve', args: ['--fast'], env: { MINE_API_KEY: 'sk-live-0123456789abcdef' } },
      },
    }, null, 2);
    await panel.getByLabel('Client file to import').fill(text);
    await panel.getByRole('button', { name: 'Import this text' }).click();
    const result = panel.locator('.import-result');
    await result.waitFor();
    const shown = await result.innerText();
    assert.match(shown, /Linked to the catalog\s+notes → memory/);
    assert.match(shown, /Custom entries\s+mine/);
    assert.match(shown, /mine: env\.MINE_API_KEY/);
    assert.doesNotMatch(shown, /sk-live/, 'the secret-looking value is not repeated');
    await axe('the import result');
    await shot('profile-import-desktop-light');
    await result.getByRole('link', { name: 'Go to the draft' }).click();
    const draft = profileSection('draft');
    await draft.locator('li.entry[data-entry="notes"]').waitFor();
    await draft.locator('li.entry[data-entry="mine"]').waitFor();
    assert.equal(await focusedOn('draft-title'), 'draft-title', 'the keyboard goes to the draft');
    const payload = JSON.parse(await draft.getByLabel('Payload as JSON').innerText());
    assert.deepEqual(payload.mcpServers.mine.args, ['--fast']);

    for (const scheme of ['light', 'dark']) {
      const p = await openAs(375, scheme, `#/clients/cursor/${imported}`);
      await p.locator('details#import summary').click();
      await p.getByLabel('Client file to import').waitFor();
      await noSidewaysScroll(p, 375);
      await axe(`the import panel (375 px, ${scheme})`, p);
      await shot(`profile-import-mobile-${scheme}`, p);
      await p.close();
    }
  });

  test('tokens: create with a scope, shown once with a copy button, a 403 names the scope, revoke', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Tokens' }).click();
    await page.getByRole('heading', { name: 'Tokens', level: 1 }).waitFor();
    const name = `console-read-${Date.now()}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel(/^Scope/).selectOption('read');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = page.locator('#new-token-value');
    await secret.waitFor();
    const token = await secret.innerText();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    const row = page.locator('table.tokens tr').filter({ hasText: name });
    await row.waitFor();
    assert.match(await row.innerText(), /\bread\b/);
    await axe('the tokens screen');
    await shot('tokens-desktop-light');

    // Signed in with the read token, a change is a 403 whose detail names the scope it needs.
    expect(`/v1/config/claude-desktop/${profile}/validate`, 403);
    const other = await context.newPage();
    await other.goto(`${base}/`);
    await other.getByLabel(/^Token/).fill(token);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
    await other.goto(`${base}/#/clients/claude-desktop/${profile}`);
    await other.locator('section#publish').getByRole('button', { name: 'Validate' }).click();
    const alert = other.locator('section#publish').getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /INSUFFICIENT_SCOPE/);
    assert.match(await alert.innerText(), /needs a token with the “edit” scope/);

    const tokenId = await row.getAttribute('data-token');
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await row.getByRole('button', { name: `Confirm: revoke ${name}` }).click();
    await page.locator(`tr[data-token="${tokenId}"]`).waitFor({ state: 'detached' });
    const res = await fetch(`${base}/v1/clients`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401, 'the revoked token is refused');

    // The tab signed in with it is signed out at its next request, saying why.
    expect('/v1/servers', 401);
    await other.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Catalog' }).click();
    const notice = other.getByRole('status').filter({ hasText: 'You were signed out' });
    await notice.waitFor();
    assert.match(await notice.innerText(), /revoked|invalid|expired/i);
    assert.equal(await other.evaluate(() => sessionStorage.length), 0, 'the refused credential is forgotten');
    await other.close();
  });

  test('keys: the public key and its id', async () => {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('heading', { name: 'Signing keys', level: 1 }).waitFor();
    await page.locator('#key-id').waitFor();
    const info = await (await fetch(`${base}/v1/keys/public`, { headers: { 'X-API-Key': apiKey } })).json();
    assert.equal(await page.locator('#key-id').innerText(), info.key_id);
    assert.match(await page.getByLabel('Public key (PEM)').innerText(), /-----BEGIN PUBLIC KEY-----/);
    await axe('the keys screen');
    await shot('keys-desktop-light');
  });

  test('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the credential');
  });

  test('talks only to its own server and logs no errors', () => {
    const origin = new URL(base).origin;
    const foreign = requests.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    assert.deepEqual(foreign, [], 'requests to other origins');
    assert.ok(requests.some((u) => /\/assets\/mcp_orchestration_core_bg-[A-Z0-9]+\.wasm$/.test(u)), 'the page loaded the core\'s wasm');
    assert.deepEqual(pageErrors, [], 'uncaught page errors');
    const allowed = (e) => expected.some(({ path, status }) =>
      e.url === `${origin}${path}` && new RegExp(`status of ${status}\\b`).test(e.text));
    assert.deepEqual(consoleErrors.filter((e) => !allowed(e)), [], 'console errors');
  });
});

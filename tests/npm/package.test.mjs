// The npm package as its users get it: `npm pack ./core/pkg`, installed from the tarball into a
// fresh project, then
//   - node --test there (tests/npm/consumer/*.test.*): every export by `import` and `require`,
//     the Python interop vectors, and an artifact the native host publishes during the test;
//   - a page importing it, bundled with esbuild and run in Debian's Chromium;
//   - tsc --noEmit under `strict` over a TypeScript file using it.
//
//   npm run build:wasm && npm run test:npm     (after `cargo build -p mcp-orchestration`)
//
// The binary is `MCP_TEST_BIN`, else the newest of `$CARGO_TARGET_DIR/{debug,release}/mcp-orchestration`.
// The vectors are `NPM_TEST_VECTORS`, else `../shared/vectors/python-interop.json` beside the
// repository. `CHROMIUM` overrides `/usr/bin/chromium`. `KEEP_NPM_TEST=1` keeps the project.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

import { CHROMIUM, REPO, nativeBinary } from '../support/native.mjs';

const PKG = join(REPO, 'core', 'pkg');
const CONSUMER = join(REPO, 'tests', 'npm', 'consumer');
const MAX_TARBALL_BYTES = 600 * 1024;
const WASM = 'mcp_orchestration_core_bg.wasm';

const VECTORS = process.env.NPM_TEST_VECTORS
  || resolve(REPO, '..', 'shared', 'vectors', 'python-interop.json');

/** The workspace's version, from the root Cargo.toml. */
function workspaceVersion() {
  const toml = readFileSync(join(REPO, 'Cargo.toml'), 'utf8');
  const section = toml.split(/^\[workspace\.package\]$/m)[1] ?? '';
  const m = section.match(/^version\s*=\s*"([^"]+)"/m);
  assert.ok(m, 'no [workspace.package] version in Cargo.toml');
  return m[1];
}

/** Runs `cmd args` in `cwd`; the answer is its output, and a failure says all of it. */
function run(cmd, args, cwd, env = {}) {
  // Without NODE_TEST_CONTEXT, which would make a nested `node --test` skip its files.
  const { NODE_TEST_CONTEXT: _, ...inherited } = process.env;
  const r = spawnSync(cmd, args, { cwd, env: { ...inherited, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${output}${r.error ?? ''}`);
  return output;
}

describe('the npm package', { timeout: 300_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'mcp-npm-'));
  const project = join(work, 'project');
  let packed = null;

  before(() => {
    assert.ok(existsSync(join(PKG, 'package.json')), `${PKG} is not built: run \`npm run build:wasm\` first`);
    assert.ok(existsSync(VECTORS), `the interop vectors are not at ${VECTORS} (set NPM_TEST_VECTORS)`);
    [packed] = JSON.parse(execFileSync('npm', ['pack', PKG, '--json', '--pack-destination', work], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'npm-consumer', private: true, type: 'module' }, null, 2)}\n`);
    run('npm', ['install', join(work, packed.filename), '--no-audit', '--no-fund', '--offline'], project);
    for (const file of readdirSync(CONSUMER)) copyFileSync(join(CONSUMER, file), join(project, file));
  });

  after(() => {
    if (process.env.KEEP_NPM_TEST) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  });

  test('npm pack makes a tarball under 600 KiB with one .wasm', (t) => {
    const tarball = statSync(join(work, packed.filename)).size;
    t.diagnostic(`${packed.filename}: ${tarball} bytes (${(tarball / 1024).toFixed(1)} KiB), ${packed.entryCount} files, ${packed.unpackedSize} bytes unpacked`);
    assert.ok(tarball < MAX_TARBALL_BYTES, `${tarball} bytes is not under ${MAX_TARBALL_BYTES}`);
    const files = packed.files.map((f) => f.path).sort();
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), [WASM]);
    for (const f of ['package.json', 'README.md', 'index.d.ts', 'index.d.cts', 'node.js', 'node.cjs', 'browser.js', 'web.js']) {
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    }
  });

  test('the installed package.json names, versions and routes every entry', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', 'mcp-orchestration-core', 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'mcp-orchestration-core');
    assert.equal(pkg.version, workspaceVersion());
    assert.equal(pkg.license, 'MIT OR Apache-2.0');
    assert.equal(pkg.type, 'module');
    const root = pkg.exports['.'];
    assert.deepEqual(Object.keys(root), ['node', 'browser', 'import', 'require', 'default']);
    assert.equal(root.node.import.default, './node.js');
    assert.equal(root.node.require.default, './node.cjs');
    assert.equal(root.browser.default, './browser.js');
    for (const entry of ['node.js', 'node.cjs', 'browser.js', 'web.js']) {
      const text = readFileSync(join(project, 'node_modules', 'mcp-orchestration-core', entry), 'utf8');
      assert.ok(text.includes(WASM), `${entry} does not load ${WASM}`);
    }
    assert.match(readFileSync(join(project, 'node_modules', 'mcp-orchestration-core', 'README.md'), 'utf8'), /renderClientConfig/);
  });

  test('node --test in the project: every export, by import and require, and the native host', (t) => {
    const files = ['exports.test.mjs', 'require.test.cjs', 'host.test.mjs'];
    const output = run(process.execPath, ['--test', ...files], project, {
      NPM_TEST_VECTORS: VECTORS,
      NPM_TEST_BIN: nativeBinary(),
    });
    const counts = Object.fromEntries([...output.matchAll(/^# (tests|pass|fail) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
    t.diagnostic(`consumer tests: ${counts.pass} of ${counts.tests} passed`);
    assert.equal(counts.fail, 0, output);
    assert.ok(counts.tests >= 30, `only ${counts.tests} consumer tests ran:\n${output}`);
  });

  test('tsc --noEmit (strict) over TypeScript using the package', () => {
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '--noEmit', '-p', join(project, 'tsconfig.json')], project);
  });

  test('an esbuild bundle in Chromium verifies an artifact and diffs configs', async (t) => {
    const site = join(work, 'site');
    mkdirSync(site);
    const built = await esbuild.build({
      absWorkingDir: project,
      entryPoints: [join(project, 'page.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: join(site, 'bundle.js'),
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(built.metafile.inputs);
    assert.ok(inputs.some((i) => i.endsWith('mcp-orchestration-core/browser.js')), `not the browser entry: ${inputs}`);
    const bundle = readFileSync(join(site, 'bundle.js'), 'utf8');
    assert.ok(!bundle.includes('node:fs') && !bundle.includes('readFileSync'), 'the bundle reaches for node:fs');
    // esbuild leaves `new URL("./…wasm", import.meta.url)` as it is: the .wasm goes beside the bundle.
    copyFileSync(join(project, 'node_modules', 'mcp-orchestration-core', WASM), join(site, WASM));

    const vectors = JSON.parse(readFileSync(VECTORS, 'utf8'));
    const [v] = vectors.artifacts;
    const artifact = {
      artifact_id: v.artifact_id, client_id: 'claude-desktop', profile_id: 'default',
      created_at: '2025-11-26T00:35:57.123Z', payload: v.payload, signature: v.signature,
      signing_key_id: 'python', metadata: {},
    };
    const data = {
      artifact,
      tampered: { ...artifact, payload: vectors.tampered[0].payload },
      publicKeyPem: vectors.public_key_pem,
      local: { mcpServers: { fs: { command: 'npx', args: ['a'] }, gone: { command: 'x', args: [] } } },
      remote: { mcpServers: { fs: { command: 'npx', args: ['b'] }, api: { type: 'http', url: 'https://x.example/mcp' } } },
    };
    writeFileSync(join(site, 'data.json'), JSON.stringify(data));
    writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>npm</title><body>loading</body><script type="module" src="./bundle.js"></script>\n');

    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
    const served = [];
    const server = createServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      const file = join(site, path === '/' ? 'index.html' : path.slice(1));
      served.push(path);
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (!file.startsWith(site) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${server.address().port}`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      await page.goto(`${base}/index.html`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
      const result = await page.evaluate(() => window.result);
      t.diagnostic(`page: ${JSON.stringify({ version: result.version, verified: result.verified, tampered: result.tampered, status: result.diff?.status })}`);
      assert.deepEqual(problems, []);
      assert.equal(result.error, undefined, `the page threw: ${result.error} (${result.code})`);
      assert.ok(served.includes(`/${WASM}`), `the page never fetched the .wasm: ${served}`);
      assert.equal(result.verified, true);
      assert.equal(result.tampered, false);
      // The browser answers what Node answers.
      const node = await import(pathToFileURL(join(project, 'node_modules', 'mcp-orchestration-core', 'node.js')).href);
      assert.equal(result.version, node.version());
      assert.deepEqual(result.diff, node.diffConfigs(data.local, data.remote));
      assert.deepEqual(
        { added: result.diff.added, removed: result.diff.removed, modified: result.diff.modified, status: result.diff.status },
        { added: ['api'], removed: ['gone'], modified: ['fs'], status: 'diverged' },
      );
    } finally {
      await browser.close();
      server.close();
    }
  });
});

// The installed package against the native host: an artifact the server publishes during the
// test verifies with the server's public key, and the package answers what the server answers
// (drafts, validation, diffs, the catalog, and the file a deploy writes). Run by
// tests/npm/package.test.mjs inside the project where the tarball was installed.
//
// NPM_TEST_BIN is the mcp-orchestration binary.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as core from 'mcp-orchestration-core';

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

describe('an artifact published by the native host', { timeout: 60_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mcp-npm-host-'));
  const home = join(root, 'home');
  const logPath = join(root, 'server.log');
  const apiKey = `npm-test-key-${process.pid}`;
  let server = null;
  let base = '';

  const log = () => readFileSync(logPath, 'utf8');

  async function call(method, path, body) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-API-Key': apiKey, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  before(async () => {
    mkdirSync(home, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const out = openSync(logPath, 'a');
    server = spawn(process.env.NPM_TEST_BIN, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        MCP_ORCHESTRATION_HOME: join(root, 'data'),
        MCP_ORCHESTRATION_API_KEY: apiKey,
      },
      stdio: ['ignore', out, out],
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the server did not come up:\n${log()}`);
      }
      await sleep(100);
    }
  });

  after(() => {
    server?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  test('drafts, validation, publish, verify, diff and deploy agree with the package', async () => {
    await call('POST', '/v1/keys/initialize');
    const draft = '/v1/config/claude-desktop/default';

    // The entries the server's draft holds are the ones renderEntry renders.
    const adds = [
      { server_id: 'filesystem', params: { path: '/home/me/Documents' } },
      { server_id: 'github', env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_example' }, params: { read_only: true } },
    ];
    let view = null;
    for (const add of adds) view = (await call('POST', `${draft}/draft/add`, add)).draft;
    for (const { server_id, ...options } of adds) {
      assert.deepEqual(core.renderEntry(server_id, options), view.mcpServers[server_id], server_id);
    }
    const payload = { mcpServers: view.mcpServers };

    // The same report.
    assert.deepEqual(core.validateConfig('claude-desktop', payload), await call('POST', `${draft}/validate`));

    // Publish, fetch the artifact and the key, verify.
    const published = await call('POST', `${draft}/publish`, { changelog: 'npm test' });
    const artifact = await call('GET', `/v1/artifacts/${published.artifact_id}`);
    const { public_key: publicKey } = await call('GET', '/v1/keys/public');
    assert.equal(core.artifactId(artifact.payload), published.artifact_id);
    assert.deepEqual(artifact.payload, payload);
    assert.equal(core.verifyArtifact(artifact, publicKey), true);
    assert.equal(core.verifyArtifact(await call('GET', `${draft}`), publicKey), true, 'the latest artifact too');

    // Tampered, or checked with another key: false.
    const tampered = structuredClone(artifact);
    tampered.payload.mcpServers.filesystem.args.push('/etc');
    assert.equal(core.verifyArtifact(tampered, publicKey), false);
    assert.equal(core.verifyArtifact({ ...tampered, artifact_id: core.artifactId(tampered.payload) }, publicKey), false);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    assert.equal(core.verifyArtifact(artifact, other), false);

    // The same diff.
    const local = { mcpServers: { filesystem: payload.mcpServers.filesystem, mine: { command: 'x', args: [] } } };
    assert.deepEqual(
      core.diffConfigs(local, artifact.payload),
      await call('POST', '/v1/config/diff', { config1: local, config2: artifact.payload }),
    );

    // A deploy writes what renderClientConfig renders, into an existing file as into none.
    const file = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    const existing = '{\n    "globalShortcut": "Ctrl+Space",\n    "mcpServers": {\n        "mine": {"command": "my-server", "args": []}\n    }\n}\n';
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, existing);
    const deployed = await call('POST', `${draft}/deploy`);
    assert.equal(deployed.config_path, file);
    assert.equal(readFileSync(file, 'utf8'), core.renderClientConfig('claude-desktop', artifact.payload, existing));
    rmSync(file);
    await call('POST', `${draft}/deploy`);
    assert.equal(readFileSync(file, 'utf8'), core.renderClientConfig('claude-desktop', artifact.payload));
  });

  test('the catalog and the client registry are the server\'s', async () => {
    assert.deepEqual(core.catalog(), await call('GET', '/v1/servers'));
    assert.deepEqual(core.searchServers('git', { transport: 'stdio' }), await call('GET', '/v1/servers?q=git&transport=stdio'));
    assert.deepEqual(core.getServer('github'), await call('GET', '/v1/servers/github'));
    // The server knows its OS, so it fills in each client's config_path; the rest is the same.
    const noPath = ({ clients }) => clients.map(({ config_path, ...rest }) => rest);
    assert.deepEqual(noPath(core.clients()), noPath(await call('GET', '/v1/clients')));
  });
});

// Every export of mcp-orchestration-core, as a user gets it: run by tests/npm/package.test.mjs
// inside a fresh project where the packed tarball was installed, with a plain `import`.
//
// NPM_TEST_VECTORS is the Python system's interop vectors (../shared/vectors/python-interop.json).

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as core from 'mcp-orchestration-core';

const require = createRequire(import.meta.url);
const pkgDir = require.resolve('mcp-orchestration-core/package.json').replace(/package\.json$/, '');
const pkg = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8'));
const vectors = JSON.parse(readFileSync(process.env.NPM_TEST_VECTORS, 'utf8'));

const EXPORTS = [
  'artifactId', 'canonicalize', 'catalog', 'clients', 'diffConfigs', 'getServer',
  'importClientFile', 'readClientConfig', 'renderClientConfig', 'renderEntry', 'searchServers',
  'serverFromJson', 'validateConfig', 'verifyArtifact', 'version',
];

/** Asserts that `fn` throws a JS Error with `code` (and a message matching `message`). */
function throwsCode(fn, code, message = /./) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.equal(e.code, code, `code of: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}

/** A full artifact (as /v1 answers it) around one of the Python vectors. */
function vectorArtifact(v) {
  return {
    artifact_id: v.artifact_id,
    client_id: 'claude-desktop',
    profile_id: 'default',
    created_at: '2025-11-26T00:35:57.123Z',
    payload: v.payload,
    signature: v.signature,
    signing_key_id: 'python',
    metadata: {},
  };
}

const otherKeyPem = () =>
  generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });

describe('the package', () => {
  test('exports exactly the documented functions', () => {
    assert.deepEqual(Object.keys(core).sort(), EXPORTS);
    for (const name of EXPORTS) assert.equal(typeof core[name], 'function', name);
  });

  test('declares exactly those functions in index.d.ts, without any `any`', () => {
    const dts = readFileSync(`${pkgDir}index.d.ts`, 'utf8');
    const declared = [...dts.matchAll(/^export declare function (\w+)\(/gm)].map((m) => m[1]);
    assert.deepEqual(declared.sort(), EXPORTS);
    const code = dts.split('\n').filter((l) => !/^\s*(\/\/|\/\*\*|\*)/.test(l));
    assert.deepEqual(code.filter((l) => /\bany\b/.test(l)), []);
  });

  test('version() is the package version', () => {
    assert.equal(core.version(), pkg.version);
    assert.match(core.version(), /^\d+\.\d+\.\d+/);
    assert.equal(pkg.name, 'mcp-orchestration-core');
    assert.equal(pkg.license, 'MIT OR Apache-2.0');
  });
});

describe('the catalog', () => {
  test('catalog() lists every server with its count', () => {
    const { servers, count } = core.catalog();
    assert.ok(count > 10);
    assert.equal(servers.length, count);
    const fs = servers.find((s) => s.server_id === 'filesystem');
    assert.equal(fs.transport, 'stdio');
    assert.ok(fs.parameters.some((p) => p.name === 'path' && p.required));
    assert.deepEqual(servers.map((s) => s.server_id), servers.map((s) => s.server_id).sort());
  });

  test('searchServers() matches text and filters by transport', () => {
    assert.equal(core.searchServers().count, core.catalog().count);
    assert.equal(core.searchServers('').count, core.catalog().count);
    assert.equal(core.searchServers(null, {}).count, core.catalog().count);
    const git = core.searchServers('GIT');
    assert.ok(git.servers.some((s) => s.server_id === 'git'));
    for (const s of git.servers) {
      const text = [s.server_id, s.display_name, s.description, ...s.tags].join(' ').toLowerCase();
      assert.ok(text.includes('git'), s.server_id);
    }
    const remote = core.searchServers('', { transport: 'http' });
    assert.ok(remote.count > 0);
    assert.ok(remote.servers.every((s) => s.transport === 'http'));
    throwsCode(() => core.searchServers('x', { transport: 'ftp' }), 'INVALID_TRANSPORT', /ftp/);
    throwsCode(() => core.searchServers('x', { transprot: 'http' }), 'UNKNOWN_FIELD', /transprot/);
    throwsCode(() => core.searchServers(3), 'INVALID_FIELD', /query/);
    throwsCode(() => core.searchServers('x', 'http'), 'INVALID_FIELD', /options/);
  });

  test('getServer() answers one server, or throws its code', () => {
    assert.equal(core.getServer('filesystem').server_id, 'filesystem');
    throwsCode(() => core.getServer('no-such-server'), 'SERVER_NOT_FOUND', /no-such-server/);
    throwsCode(() => core.getServer('not an id!'), 'INVALID_ID');
    throwsCode(() => core.getServer(), 'MISSING_FIELD', /id/);
  });

  test('clients() lists every client app in every format', () => {
    const { clients } = core.clients();
    assert.ok(clients.length >= 10);
    const desktop = clients.find((c) => c.client_id === 'claude-desktop');
    assert.equal(desktop.config_format, 'json');
    assert.equal(desktop.config_path, null);
    assert.match(desktop.config_paths.macos, /Claude/);
    assert.deepEqual(
      [...new Set(clients.map((c) => c.config_format))].sort(),
      ['json', 'jsonc', 'toml', 'yaml'],
    );
  });
});

describe('renderEntry', () => {
  test('renders a stdio entry with its parameters and env', () => {
    assert.deepEqual(core.renderEntry('filesystem', { params: { path: '/tmp/docs' } }), {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp/docs'],
    });
    const gh = core.renderEntry('github', {
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' },
      name: 'gh',
    });
    assert.equal(gh.command, 'docker');
    assert.deepEqual(gh.env, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' });
  });

  test('renders a remote entry', () => {
    const remote = core.searchServers('', { transport: 'http' }).servers
      .find((s) => s.parameters.every((p) => !p.required));
    const entry = core.renderEntry(remote.server_id);
    assert.equal(entry.type, 'http');
    assert.match(entry.url, /^https:\/\//);
  });

  test('throws what a draft add refuses', () => {
    throwsCode(() => core.renderEntry('filesystem'), 'MISSING_PARAMETERS', /path/);
    throwsCode(() => core.renderEntry('filesystem', { params: { path: '/x', nope: 1 } }), 'UNKNOWN_PARAMETER', /nope/);
    throwsCode(() => core.renderEntry('filesystem', { params: { path: 3 } }), 'INVALID_PARAMETER');
    throwsCode(() => core.renderEntry('github'), 'MISSING_ENV_VARS', /GITHUB_PERSONAL_ACCESS_TOKEN/);
    throwsCode(() => core.renderEntry('nope'), 'SERVER_NOT_FOUND');
    throwsCode(() => core.renderEntry('filesystem', { params: { path: '/x' }, name: 'bad name' }), 'INVALID_ID');
    throwsCode(() => core.renderEntry('filesystem', { param: { path: '/x' } }), 'UNKNOWN_FIELD', /param/);
    throwsCode(() => core.renderEntry(42), 'INVALID_FIELD', /serverId/);
  });
});

describe('validateConfig', () => {
  const good = { mcpServers: { fs: { command: 'npx', args: ['-y', 'x'] } } };

  test('a valid payload is valid', () => {
    const r = core.validateConfig('claude-desktop', good);
    assert.deepEqual(r, { valid: true, errors: [], warnings: [], server_count: 1 });
  });

  test('errors and warnings come with codes', () => {
    const empty = core.validateConfig('cursor', { mcpServers: {} });
    assert.equal(empty.valid, false);
    assert.deepEqual(empty.errors.map((i) => i.code), ['EMPTY_CONFIG']);
    const r = core.validateConfig('cursor', {
      mcpServers: { a: { args: [] }, b: { command: 'x', args: [], env: { E: '' } } },
    });
    assert.equal(r.valid, false);
    assert.deepEqual(r.errors.map((i) => [i.code, i.server, i.severity]), [['MISSING_COMMAND', 'a', 'error']]);
    assert.deepEqual(r.warnings.map((i) => [i.code, i.server, i.severity]), [['EMPTY_ENV_VAR', 'b', 'warning']]);
    const tooMany = { mcpServers: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`s${i}`, { command: 'x', args: [] }])) };
    assert.ok(core.validateConfig('cursor', tooMany).errors.some((i) => i.code === 'TOO_MANY_SERVERS'));
  });

  test('a bad client or payload throws', () => {
    throwsCode(() => core.validateConfig('nope', good), 'CLIENT_NOT_FOUND');
    throwsCode(() => core.validateConfig('cursor', { servers: {} }), 'INVALID_PAYLOAD', /mcpServers/);
    throwsCode(() => core.validateConfig('cursor', [1]), 'INVALID_PAYLOAD');
    throwsCode(() => core.validateConfig('cursor'), 'MISSING_FIELD', /payload/);
  });
});

describe('diffConfigs', () => {
  test('says what was added, removed and modified', () => {
    const a = { mcpServers: { keep: { command: 'k', args: [] }, old: { command: 'o', args: [] }, mod: { command: 'm', args: ['1'] } } };
    const b = { mcpServers: { keep: { command: 'k', args: [] }, mod: { command: 'm', args: ['2'] }, new: { url: 'https://x' } } };
    const d = core.diffConfigs(a, b);
    assert.deepEqual(
      { added: d.added, removed: d.removed, modified: d.modified, unchanged: d.unchanged, status: d.status, total: d.total_changes },
      { added: ['new'], removed: ['old'], modified: ['mod'], unchanged: ['keep'], status: 'diverged', total: 3 },
    );
    assert.deepEqual(d.changes.find((c) => c.server === 'mod'), { server: 'mod', path: 'args[0]', old_value: '1', new_value: '2' });
    assert.match(d.diff, /^~ mod\.args\[0\]: "1" -> "2"$/m);
    assert.equal(core.diffConfigs(a, a).status, 'up-to-date');
    assert.equal(core.diffConfigs({ mcpServers: {} }, a).status, 'outdated');
  });

  test('a bad side throws, naming it', () => {
    throwsCode(() => core.diffConfigs({ mcpServers: {} }, {}), 'INVALID_PAYLOAD', /^config2: /);
  });
});

describe('canonical JSON, artifact ids and signatures (Python interop vectors)', () => {
  test('canonicalize() and artifactId() equal the Python system', () => {
    assert.ok(vectors.artifacts.length >= 3);
    for (const v of vectors.artifacts) {
      assert.equal(core.canonicalize(v.payload), v.canonical);
      assert.equal(core.artifactId(v.payload), v.artifact_id);
    }
  });

  test('canonicalize() follows RFC 8785 and JSON.stringify', () => {
    assert.equal(core.canonicalize({ b: [1.0, 1e21, 0.000001, -0], a: 'é\n', c: undefined }), '{"a":"é\\n","b":[1,1e+21,0.000001,0]}');
    assert.equal(core.canonicalize('x'), '"x"');
    throwsCode(() => core.canonicalize({ n: 1n }), 'INVALID_FIELD', /value/);
    throwsCode(() => core.canonicalize(), 'MISSING_FIELD');
  });

  test('verifyArtifact() accepts their signatures with their key', () => {
    for (const v of vectors.artifacts) {
      assert.equal(core.verifyArtifact(vectorArtifact(v), vectors.public_key_pem), true, v.artifact_id);
    }
  });

  test('a tampered payload, a swapped id or another key is false, not a throw', () => {
    const [first] = vectors.artifacts;
    for (const t of vectors.tampered) {
      assert.equal(t.valid, false);
      const art = { ...vectorArtifact(first), payload: t.payload, signature: t.signature };
      assert.equal(core.verifyArtifact(art, vectors.public_key_pem), false);
      // Even with the id recomputed for the new payload, the signature fails.
      assert.equal(core.verifyArtifact({ ...art, artifact_id: core.artifactId(t.payload) }, vectors.public_key_pem), false);
    }
    assert.equal(core.verifyArtifact(vectorArtifact(first), otherKeyPem()), false);
    assert.equal(core.verifyArtifact({ ...vectorArtifact(first), signature: 'bm90IGEgc2lnbmF0dXJl' }, vectors.public_key_pem), false);
  });

  test('a key that is not a PEM, or a value that is not an artifact, throws', () => {
    const art = vectorArtifact(vectors.artifacts[0]);
    throwsCode(() => core.verifyArtifact(art, 'not a key'), 'INVALID_PUBLIC_KEY');
    throwsCode(() => core.verifyArtifact(art, vectors.private_key_pem), 'INVALID_PUBLIC_KEY');
    const { signature, ...unsigned } = art;
    throwsCode(() => core.verifyArtifact(unsigned, vectors.public_key_pem), 'MISSING_FIELD', /signature/);
    throwsCode(() => core.verifyArtifact('x', vectors.public_key_pem), 'INVALID_FIELD', /artifact/);
  });
});

describe('client config files', () => {
  const { clients } = core.clients();

  /** A payload every client can hold exactly: a stdio entry with env, and a remote one where
   * the client reaches that transport natively. */
  function payloadFor(c) {
    const servers = {
      files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp/a b'], env: { LOG_LEVEL: 'debug' } },
      plain: { command: 'uvx', args: [] },
    };
    const [transport] = c.capabilities.remote_transports;
    if (transport) {
      servers.remote = { type: transport, url: 'https://mcp.example.com/mcp' };
      if (c.capabilities.headers) servers.remote.headers = { Authorization: 'Bearer t' };
    }
    return { mcpServers: servers };
  }

  /** `text` (a file the package wrote) with a comment and another setting, as a user edits it. */
  function edited(format, text) {
    switch (format) {
      case 'json': return text.replace('{', '{\n  "extraSetting": true,');
      case 'jsonc': return `// my settings\n${text.replace('{', '{\n  "extraSetting": true, // keep me')}`;
      case 'yaml': return `# my settings\nextra_setting: true # keep me\n${text}`;
      case 'toml': return `# my settings\nextra_setting = true # keep me\n${text}`;
      default: throw new Error(`unknown format ${format}`);
    }
  }

  for (const c of clients) {
    test(`${c.client_id} (${c.config_format}): renderClientConfig round-trips through readClientConfig`, () => {
      const payload = payloadFor(c);
      const fresh = core.renderClientConfig(c.client_id, payload);
      assert.deepEqual(core.readClientConfig(c.client_id, fresh), payload);
      assert.equal(core.renderClientConfig(c.client_id, payload, fresh), fresh, 'a second render changes nothing');
      assert.equal(core.renderClientConfig(c.client_id, payload, '  \n'), fresh, 'blank text is a new file');

      // A file with the user's own entry, a comment and another setting: all kept.
      const mine = { mcpServers: { mine: { command: 'my-server', args: ['--flag'] } } };
      const existing = edited(c.config_format, core.renderClientConfig(c.client_id, mine));
      assert.deepEqual(core.readClientConfig(c.client_id, existing), mine);
      const merged = core.renderClientConfig(c.client_id, payload, existing);
      assert.deepEqual(
        core.readClientConfig(c.client_id, merged),
        { mcpServers: { ...mine.mcpServers, ...payload.mcpServers } },
      );
      assert.match(merged, /extra_?[sS]etting/);
      if (c.config_format !== 'json') assert.match(merged, /my settings/);
      if (c.config_format !== 'json') assert.match(merged, /keep me/);
      if (c.config_format === 'json') assert.equal(JSON.parse(merged).extraSetting, true);

      // A payload entry replaces the file's entry of that name.
      const replaced = core.renderClientConfig(c.client_id, { mcpServers: { mine: { command: 'other', args: [] } } }, existing);
      assert.deepEqual(core.readClientConfig(c.client_id, replaced).mcpServers.mine, { command: 'other', args: [] });
    });
  }

  test('unparseable text throws and names the format', () => {
    const payload = { mcpServers: { a: { command: 'x', args: [] } } };
    throwsCode(() => core.renderClientConfig('claude-desktop', payload, '{"mcpServers": '), 'CONFIG_UNPARSEABLE', /JSON/);
    throwsCode(() => core.renderClientConfig('codex', payload, 'model = '), 'CONFIG_UNPARSEABLE', /TOML/);
    throwsCode(() => core.renderClientConfig('continue', payload, 'a: [b'), 'CONFIG_UNPARSEABLE', /YAML/);
    throwsCode(() => core.readClientConfig('vscode', '{"servers": {'), 'CONFIG_UNPARSEABLE', /JSONC/);
    throwsCode(() => core.renderClientConfig('claude-desktop', payload, '{"mcpServers": []}'), 'CONFIG_CONFLICT');
    throwsCode(() => core.renderClientConfig('claude-desktop', { mcpServers: 1 }), 'INVALID_PAYLOAD');
    throwsCode(() => core.readClientConfig('nope', '{}'), 'CLIENT_NOT_FOUND');
  });

  test('an entry the client manages itself is never taken over', () => {
    const zed = '{\n  "context_servers": {\n    "pg": {"source": "extension", "settings": {}}\n  }\n}\n';
    throwsCode(
      () => core.renderClientConfig('zed', { mcpServers: { pg: { command: 'x', args: [] } } }, zed),
      'ENTRY_CONFLICT',
      /pg/,
    );
    try {
      core.renderClientConfig('zed', { mcpServers: { pg: { command: 'x', args: [] } } }, zed);
    } catch (e) {
      assert.ok(e.conflicts !== undefined, 'the structured field comes along');
    }
  });

  test('an empty file, or one without servers, holds an empty payload', () => {
    assert.deepEqual(core.readClientConfig('claude-desktop', ''), { mcpServers: {} });
    assert.deepEqual(core.readClientConfig('claude-desktop', '{"theme": "dark"}'), { mcpServers: {} });
  });
});

describe('teams: server.json, import and secrets', () => {
  const serverJson = {
    $schema: 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json',
    name: 'io.github.acme/tickets',
    description: "Acme's ticket search.",
    version: '2.3.0',
    repository: { url: 'https://github.com/acme/tickets-mcp', source: 'github' },
    packages: [{
      registryType: 'npm', identifier: '@acme/tickets-mcp', version: '2.3.0',
      transport: { type: 'stdio' },
      environmentVariables: [{ name: 'ACME_TOKEN', isRequired: true, isSecret: true }],
    }],
  };

  test('serverFromJson() maps a server.json, or throws naming the field', () => {
    const server = core.serverFromJson(serverJson);
    assert.equal(server.server_id, 'tickets');
    assert.equal(server.origin, 'team');
    assert.deepEqual(server.args, ['-y', '@acme/tickets-mcp@2.3.0']);
    assert.equal(server.env[0].secret, true);
    assert.equal(core.serverFromJson(serverJson, 'acme-tickets').server_id, 'acme-tickets');
    const nuget = { ...serverJson, packages: [{ ...serverJson.packages[0], registryType: 'nuget' }] };
    throwsCode(() => core.serverFromJson(nuget), 'SERVER_JSON_INVALID', /packages\[0\]\.registryType/);
  });

  test('importClientFile() links catalog servers and reports literal secrets', () => {
    const text = JSON.stringify({ mcpServers: {
      memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
      mine: { command: 'mine', args: [], env: { MINE_TOKEN: 'literal' } },
    } });
    const imported = core.importClientFile('cursor', text);
    assert.deepEqual(imported.linked, { memory: 'memory' });
    assert.deepEqual(imported.custom, ['mine']);
    assert.deepEqual(imported.secrets, [{ entry: 'mine', field: 'env.MINE_TOKEN' }]);
  });

  test('a secret reference renders in each client\'s own syntax', () => {
    const entry = core.renderEntry('brave-search', { env: { BRAVE_API_KEY: { secret: 'BRAVE_API_KEY' } } });
    assert.deepEqual(entry.env, { BRAVE_API_KEY: { secret: 'BRAVE_API_KEY' } });
    const payload = { mcpServers: { brave: entry } };
    assert.match(core.renderClientConfig('cursor', payload), /"\$\{env:BRAVE_API_KEY\}"/);
    assert.match(core.renderClientConfig('claude-code', payload), /"\$\{BRAVE_API_KEY\}"/);
    throwsCode(() => core.renderClientConfig('claude-desktop', payload), 'SECRET_UNRESOLVED');
  });
});

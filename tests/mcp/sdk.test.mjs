// mcp-orchestration as an MCP server, driven by the official MCP TypeScript SDK client
// (@modelcontextprotocol/sdk): over stdio (`mcp-orchestration mcp`), over Streamable HTTP to the
// native server (`serve`), and over Streamable HTTP to any running host (the worker under
// `wrangler dev`, from scripts/worker-e2e.sh). Each connection lists the tools, runs the whole
// workflow through tool calls, reads the deployed resource, and checks an unknown tool, bad
// arguments and (over HTTP) a foreign Origin.
//
//   npm run test:mcp                       stdio and native HTTP (build the binary first:
//                                          cargo build -p mcp-orchestration; or set MCP_TEST_BIN)
//   MCP_TEST_BASE_URL=http://127.0.0.1:8787 MCP_TEST_API_KEY=<key> npm run test:mcp
//                                          that host only; the native tests are skipped
//
// A target not available in a run is skipped with the reason, never passed quietly.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError } from '@modelcontextprotocol/sdk/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN =
    process.env.MCP_TEST_BIN ||
    join(process.env.CARGO_TARGET_DIR || join(ROOT, 'target'), 'debug', 'mcp-orchestration');
const REMOTE_URL = process.env.MCP_TEST_BASE_URL || '';
const REMOTE_KEY = process.env.MCP_TEST_API_KEY || '';

const NATIVE_SKIP = REMOTE_URL
    ? `MCP_TEST_BASE_URL is set: this run tests ${REMOTE_URL} only`
    : false;
const REMOTE_SKIP = REMOTE_URL
    ? false
    : 'no running host: set MCP_TEST_BASE_URL and MCP_TEST_API_KEY (scripts/worker-e2e.sh does)';

const TOOLS = [
    'list_clients',
    'list_profiles',
    'list_available_servers',
    'describe_server',
    'add_server_to_config',
    'remove_server_from_config',
    'view_draft_config',
    'clear_draft_config',
    'validate_config',
    'initialize_keys',
    'publish_config',
    'deploy_config',
    'get_config',
    'diff_config',
    'add_catalog_server',
    'import_config',
];

const CLAUDE = 'claude-desktop';

function binary() {
    assert.ok(
        existsSync(BIN),
        `${BIN} does not exist: build it first (cargo build -p mcp-orchestration) or set MCP_TEST_BIN`,
    );
    return BIN;
}

function uniqueProfile(tag) {
    return `sdk-${tag}-${Date.now().toString(36)}-${Math.random().toString(16).slice(2, 8)}`;
}

function tempDir(t, tag) {
    const dir = mkdtempSync(join(tmpdir(), `mcp-sdk-${tag}-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/// The JSON a tool answered: its structuredContent, which must equal the JSON of its text block.
function structured(name, result) {
    assert.notEqual(result.isError, true, `${name} failed: ${JSON.stringify(result.content)}`);
    assert.equal(result.content[0].type, 'text');
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, name);
    return result.structuredContent;
}

async function connect(t, transport) {
    const client = new Client({ name: 'mcp-orchestration-sdk-test', version: '1.0.0' });
    await client.connect(transport);
    t.after(() => client.close());
    return client;
}

/// Lists the tools, runs the workflow through tool calls and checks the error cases, for one
/// connected client. `keysShared`: the host may already have keys (a shared worker).
/// Returns the deploy's answer.
async function workflow(client, { profile, docs, keysShared = false }) {
    assert.equal(client.getServerVersion()?.name, 'mcp-orchestration');
    assert.ok(client.getServerCapabilities()?.tools, 'the server has tools');
    assert.ok(client.getInstructions()?.includes('publish_config'), 'instructions name the flow');

    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [...TOOLS].sort());
    for (const tool of tools) {
        assert.equal(tool.inputSchema?.type, 'object', `${tool.name} inputSchema`);
        assert.equal(tool.outputSchema?.type, 'object', `${tool.name} outputSchema`);
        assert.equal(typeof tool.description, 'string', `${tool.name} description`);
        assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', `${tool.name} annotations`);
    }

    // Every call below goes through the SDK's check of structuredContent against the tool's
    // outputSchema (listTools above gave it the schemas).
    const call = async (name, args) => structured(name, await client.callTool({ name, arguments: args }));
    const found = await call('list_available_servers', { q: 'filesystem' });
    assert.ok(found.servers.some((s) => s.server_id === 'filesystem'), JSON.stringify(found));

    const fs = await call('add_server_to_config', {
        server_id: 'filesystem',
        params: { path: docs },
        profile_id: profile,
    });
    assert.equal(fs.status, 'added');
    const memory = await call('add_server_to_config', { server_id: 'memory', profile_id: profile });
    assert.equal(memory.server_count, 2);
    const draft = await call('view_draft_config', { profile_id: profile });
    assert.deepEqual(Object.keys(draft.mcpServers).sort(), ['filesystem', 'memory']);
    assert.ok(draft.mcpServers.filesystem.args.includes(docs), JSON.stringify(draft));

    const report = await call('validate_config', { profile_id: profile });
    assert.equal(report.valid, true, JSON.stringify(report));

    const keys = await client.callTool({ name: 'initialize_keys', arguments: {} });
    if (keys.isError && keysShared) {
        assert.match(keys.content[0].text, /KEYS_ALREADY_INITIALIZED/);
    } else {
        assert.ok(structured('initialize_keys', keys).key_id, JSON.stringify(keys));
    }

    const published = await call('publish_config', { profile_id: profile, changelog: 'from the MCP SDK test' });
    assert.match(published.artifact_id, /^[0-9a-f]{64}$/);
    const deployed = await call('deploy_config', { profile_id: profile });
    assert.equal(deployed.artifact_id, published.artifact_id);

    const uri = `mcp-orchestration://configs/${CLAUDE}/${profile}/deployed`;
    const resource = await client.readResource({ uri });
    assert.equal(resource.contents.length, 1);
    assert.equal(resource.contents[0].uri, uri);
    assert.equal(resource.contents[0].mimeType, 'application/json');
    assert.equal(JSON.parse(resource.contents[0].text).artifact_id, published.artifact_id);
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === uri), 'the deployed artifact is listed');

    // An unknown tool is a JSON-RPC error (-32602), which the SDK throws.
    await assert.rejects(
        client.callTool({ name: 'format_disk', arguments: {} }),
        (err) =>
            err instanceof McpError &&
            err.code === ErrorCode.InvalidParams &&
            /Unknown tool: format_disk/.test(err.message),
    );
    // Bad arguments are a tool error the model can read: a misspelt field is named.
    const bad = await client.callTool({
        name: 'add_server_to_config',
        arguments: { server_id: 'filesystem', param: {} },
    });
    assert.equal(bad.isError, true, JSON.stringify(bad));
    assert.match(bad.content[0].text, /UNKNOWN_FIELD/);
    assert.match(bad.content[0].text, /'param'/);

    return deployed;
}

/// `POST url` of an initialize with `Origin: https://evil.example`: must be a 403.
async function assertForeignOriginRefused(url, headers) {
    const res = await fetch(url, {
        method: 'POST',
        headers: {
            ...headers,
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            Origin: 'https://evil.example',
        },
        body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
                protocolVersion: LATEST_PROTOCOL_VERSION,
                capabilities: {},
                clientInfo: { name: 'evil', version: '1' },
            },
        }),
    });
    const body = await res.json();
    assert.equal(res.status, 403, JSON.stringify(body));
    assert.equal(body.code, 'ORIGIN_NOT_ALLOWED');
    assert.equal(res.headers.get('mcp-session-id'), null);
}

/// An HTTP connection's whole run: connect, workflow, foreign Origin, end the session.
async function overHttp(t, url, headers, options) {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
    const client = await connect(t, transport);
    assert.equal(transport.protocolVersion, LATEST_PROTOCOL_VERSION);
    assert.match(transport.sessionId ?? '', /^[0-9a-f]{32}$/);
    const deployed = await workflow(client, options);
    await assertForeignOriginRefused(url, headers);
    await transport.terminateSession();
    assert.equal(transport.sessionId, undefined, 'the session ended');
    return deployed;
}

/// Starts `serve --port 0` on `home` with API key `key`; resolves to its base URL once it listens.
async function startServer(t, home, key) {
    const child = spawn(binary(), ['serve', '--port', '0', '--log-level', 'info'], {
        env: {
            PATH: process.env.PATH,
            HOME: join(home, 'user'),
            MCP_ORCHESTRATION_HOME: home,
            MCP_ORCHESTRATION_API_KEY: key,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = once(child, 'exit');
    t.after(async () => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const [code] = await exited;
            assert.equal(code, 0, 'the server stops cleanly on SIGTERM');
        }
    });
    const log = [];
    const lines = createInterface({ input: child.stderr });
    const url = await new Promise((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log.join('\n')}`)), 30_000);
        lines.on('line', (line) => {
            log.push(line);
            const m = line.match(/Listening on (http:\/\/\S+)/);
            if (m) {
                clearTimeout(timer);
                resolveUrl(m[1]);
            }
        });
        child.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`the server exited (${code}):\n${log.join('\n')}`));
        });
    });
    lines.on('line', () => {}); // keep draining stderr
    return url;
}

describe('MCP SDK client', () => {
    test('over stdio: mcp-orchestration mcp', { skip: NATIVE_SKIP }, async (t) => {
        const home = tempDir(t, 'stdio');
        const userHome = join(home, 'user');
        const transport = new StdioClientTransport({
            command: binary(),
            args: ['mcp'],
            env: { HOME: userHome, MCP_ORCHESTRATION_HOME: home },
            stderr: 'pipe',
        });
        const stderr = [];
        transport.stderr.on('data', (chunk) => stderr.push(chunk.toString()));
        const client = await connect(t, transport);
        const docs = join(home, 'Documents');
        const profile = uniqueProfile('stdio');
        const deployed = await workflow(client, { profile, docs });

        // The deploy wrote the Claude Desktop file of this HOME (Linux path).
        const file = join(userHome, '.config', 'Claude', 'claude_desktop_config.json');
        assert.equal(deployed.config_path, file);
        const written = JSON.parse(readFileSync(file, 'utf8'));
        assert.deepEqual(Object.keys(written.mcpServers).sort(), ['filesystem', 'memory']);
        assert.ok(written.mcpServers.filesystem.args.includes(docs), JSON.stringify(written));

        await client.close();
        assert.match(stderr.join(''), /MCP server on stdio/, 'logs go to stderr');
    });

    test('over Streamable HTTP: the native server', { skip: NATIVE_SKIP }, async (t) => {
        const home = tempDir(t, 'http');
        const key = `sdk-${Math.random().toString(16).slice(2)}`;
        const base = await startServer(t, home, key);
        const deployed = await overHttp(t, `${base}/mcp`, { 'X-API-Key': key }, {
            profile: uniqueProfile('native'),
            docs: join(home, 'Documents'),
        });
        const file = join(home, 'user', '.config', 'Claude', 'claude_desktop_config.json');
        assert.equal(deployed.config_path, file);
        assert.ok(existsSync(file), `${file} was written`);

        // Without credentials the SDK gets the 401 of /v1.
        const anonymous = new Client({ name: 'anonymous', version: '1' });
        await assert.rejects(
            anonymous.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`))),
            /401|Unauthorized|AUTHENTICATION_REQUIRED/,
        );
    });

    test('over Streamable HTTP: a running host (MCP_TEST_BASE_URL)', { skip: REMOTE_SKIP }, async (t) => {
        assert.ok(REMOTE_KEY, 'MCP_TEST_API_KEY must be set with MCP_TEST_BASE_URL');
        const base = REMOTE_URL.replace(/\/+$/, '');
        const deployed = await overHttp(t, `${base}/mcp`, { 'X-API-Key': REMOTE_KEY }, {
            profile: uniqueProfile('remote'),
            docs: '/srv/docs',
            keysShared: true,
        });
        // The worker has no client files: the deploy is recorded for machines to pull.
        if (process.env.MCP_TEST_TARGET === 'worker') {
            assert.equal(deployed.config_path, null);
        }
    });
});

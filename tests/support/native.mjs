// Shared by the Node test suites: where the native binary is, and a free loopback port.
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Debian's Chromium, or $CHROMIUM. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * The mcp-orchestration binary: $MCP_TEST_BIN, else the newest of target/{debug,release}
 * (under $CARGO_TARGET_DIR when set).
 */
export function nativeBinary() {
  if (process.env.MCP_TEST_BIN) return process.env.MCP_TEST_BIN;
  const dir = process.env.CARGO_TARGET_DIR;
  const target = dir ? (isAbsolute(dir) ? dir : join(REPO, dir)) : join(REPO, 'target');
  const found = ['debug', 'release']
    .map((profile) => join(target, profile, 'mcp-orchestration'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) {
    throw new Error(`no mcp-orchestration binary under ${target}/{debug,release}: ` +
      'run `cargo build -p mcp-orchestration` first, or set MCP_TEST_BIN');
  }
  return found[0];
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

// The installed package through `require` (CommonJS), beside the `import` of exports.test.mjs:
// the same functions, answering the same.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const core = require('mcp-orchestration-core');

const vectors = JSON.parse(readFileSync(process.env.NPM_TEST_VECTORS, 'utf8'));

test('require() gives the same functions as import', async () => {
  const esm = await import('mcp-orchestration-core');
  assert.deepEqual(Object.keys(core).sort(), Object.keys(esm).sort());
  assert.equal(core.version(), esm.version());
  assert.deepEqual(core.catalog(), esm.catalog());
  assert.deepEqual(core.clients(), esm.clients());
});

test('require() verifies the Python vectors and throws coded errors', () => {
  for (const v of vectors.artifacts) {
    assert.equal(core.artifactId(v.payload), v.artifact_id);
    const artifact = {
      artifact_id: v.artifact_id, client_id: 'c', profile_id: 'p', created_at: '2025-01-01T00:00:00.000Z',
      payload: v.payload, signature: v.signature, signing_key_id: 'k', metadata: {},
    };
    assert.equal(core.verifyArtifact(artifact, vectors.public_key_pem), true);
  }
  assert.throws(() => core.getServer('nope'), (e) => e instanceof Error && e.code === 'SERVER_NOT_FOUND');
});

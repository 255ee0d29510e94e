// The page tests/npm/package.test.mjs bundles with esbuild and opens in Chromium: it imports the
// installed package as a browser app would and reports what verifyArtifact and diffConfigs answer.
import { diffConfigs, verifyArtifact, version } from "mcp-orchestration-core";

const report = (result) => {
  window.result = result;
  document.body.textContent = JSON.stringify(result);
};

try {
  const { artifact, tampered, publicKeyPem, local, remote } = await (await fetch("./data.json")).json();
  report({
    version: version(),
    verified: verifyArtifact(artifact, publicKeyPem),
    tampered: verifyArtifact(tampered, publicKeyPem),
    diff: diffConfigs(local, remote),
  });
} catch (e) {
  report({ error: String(e), code: e.code });
}

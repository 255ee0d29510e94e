// The "signature verified" mark: an artifact checked in this browser, by the core's own
// verifyArtifact, against the key `/v1/keys/public` names for it.
import type { Artifact } from 'mcp-orchestration-core/web';

import type { PublicKeyInfo } from '../api';
import { verifyArtifact } from '../core';
import { useCore } from '../hooks';

/** What the browser found: verified, not verified, or signed by a key the server does not list. */
export type Verdict = 'verified' | 'invalid' | 'unknown-key';

/** Checks the artifact's id and signature with the key that signed it. */
export function verdict(artifact: Artifact, keys: PublicKeyInfo): Verdict {
  const pem = keys.keys.find((k) => k.key_id === artifact.signing_key_id)?.public_key
    ?? (keys.key_id === artifact.signing_key_id ? keys.public_key : null);
  if (!pem) return 'unknown-key';
  try {
    return verifyArtifact(artifact, pem) ? 'verified' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** The mark for one artifact. */
export function SignatureMark({ artifact, keys }: { artifact: Artifact; keys: PublicKeyInfo | null }) {
  const ready = useCore();
  if (!keys || ready !== true) return <span class="mark pending">checking signature…</span>;
  const v = verdict(artifact, keys);
  if (v === 'verified') {
    return <span class="mark verified" title={`Verified in this browser with key ${artifact.signing_key_id}`}>✓ Signature verified</span>;
  }
  if (v === 'unknown-key') return <span class="mark invalid">✗ Signed by a key this server does not list</span>;
  return <span class="mark invalid">✗ Signature does not verify</span>;
}

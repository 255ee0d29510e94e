// The core compiled to WebAssembly (the npm package built in core/pkg), for what the browser does
// itself: diffs, canonical JSON, signature checks and the preview of a client's file.
import init from 'mcp-orchestration-core/web';
import wasmUrl from 'mcp-orchestration-core/mcp_orchestration_core_bg.wasm';

export {
  canonicalize, diffConfigs, renderClientConfig, serverFromJson, verifyArtifact,
} from 'mcp-orchestration-core/web';

/** Resolves once the WebAssembly is instantiated; the functions above work from then on. */
export const coreReady: Promise<unknown> = init({ module_or_path: new URL(wasmUrl, import.meta.url) });

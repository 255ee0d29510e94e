// `mcp-orchestration-core/web`: the same functions, with the WebAssembly loaded when you say so
// (no top-level await). Call `init()` (or `initSync()`) once before any other function.

export * from "./index.js";

/** Where the WebAssembly comes from: a URL (by default the `.wasm` beside this file), a fetch
 * `Response`, its bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Fetches, compiles and instantiates the WebAssembly; resolves when the functions are ready. */
export default function init(options?: {
  module_or_path?: InitInput | Promise<InitInput>;
}): Promise<unknown>;

/** Instantiates the WebAssembly from its bytes or a compiled module, synchronously. */
export function initSync(options: { module: BufferSource | WebAssembly.Module }): unknown;

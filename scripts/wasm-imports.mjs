// Fails when a linked wasm module imports anything but wasm-bindgen's own modules: whatever
// nothing defined lands in "env" (a C library, a libc call), which only native code provides.
//
//   node scripts/wasm-imports.mjs LABEL FILE.wasm
import { readFileSync } from 'node:fs';

const [label, file] = process.argv.slice(2);
const allowed = new Set(['__wbindgen_placeholder__', '__wbindgen_externref_xform__']);
const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file)));
const leaked = imports.filter((i) => !allowed.has(i.module));
if (leaked.length > 0) {
  console.error(`${label}: FAILED: ${file} imports what only native code provides:`);
  for (const i of leaked) console.error(`  import "${i.module}" "${i.name}" (${i.kind})`);
  process.exit(1);
}
console.error(`${label}: ok: ${imports.length} imports, all from wasm-bindgen; none from "env"`);

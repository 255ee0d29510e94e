// Bundles web/src into web/dist (run by scripts/build-web.sh after the type check): one ES module
// and one stylesheet with content hashes in their names, the core's .wasm as a hashed asset, and
// index.html naming them (its Content-Security-Policy allows this origin only, plus compiling the
// WebAssembly), and the Worker's _headers.
import * as esbuild from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = dirname(fileURLToPath(import.meta.url));
const PKG = join(WEB, '..', 'core', 'pkg');
const DIST = join(WEB, 'dist');
const ASSETS = join(DIST, 'assets');

// `mcp-orchestration-core/web` is the package built in core/pkg (not installed from npm), and
// its .wasm is imported as a file: esbuild copies it with a hash and gives the bundle its URL.
const corePackage = {
  name: 'core-package',
  setup(build) {
    build.onResolve({ filter: /^mcp-orchestration-core\// }, (args) => ({
      path: join(PKG, args.path.slice('mcp-orchestration-core/'.length).replace(/^web$/, 'web.js')),
    }));
  },
};

rmSync(DIST, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });
const built = await esbuild.build({
  entryPoints: { console: join(WEB, 'src', 'main.tsx') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  outdir: ASSETS,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.wasm': 'file' },
  plugins: [corePackage],
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(built.metafile.outputs).map((p) => relative(DIST, resolve(p)));
const find = (re) => {
  const found = outputs.filter((p) => re.test(basename(p)));
  if (found.length !== 1) throw new Error(`expected one output matching ${re}, got ${found}`);
  return found[0];
};
const js = find(/^console-.*\.js$/);
const css = find(/^console-.*\.css$/);
find(/\.wasm$/);
const html = readFileSync(join(WEB, 'index.html'), 'utf8')
  .replaceAll('%JS%', `/${js}`)
  .replaceAll('%CSS%', `/${css}`);
writeFileSync(join(DIST, 'index.html'), html);
// For the Worker's static assets (the native host sets the same caching itself): hashed names are
// immutable, the page is revalidated on every load.
writeFileSync(join(DIST, '_headers'), [
  '/assets/*',
  '  Cache-Control: public, max-age=31536000, immutable',
  '  X-Content-Type-Options: nosniff',
  '/',
  '  Cache-Control: no-cache',
  '  X-Content-Type-Options: nosniff',
  '',
].join('\n'));
for (const [p, { bytes }] of Object.entries(built.metafile.outputs)) {
  console.error(`build-web: web/dist/${relative(DIST, resolve(p))} (${(bytes / 1024).toFixed(1)} KiB)`);
}

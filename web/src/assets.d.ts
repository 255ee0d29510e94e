// esbuild's `file` loader: importing the .wasm gives the URL of its hashed copy.
declare module '*.wasm' {
  const url: string;
  export default url;
}

// esbuild's `css` loader: a stylesheet imported for its side effect lands in the bundle's .css.
declare module '*.css';

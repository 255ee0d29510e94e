// The console's entry: the styles, the app, and the core's WebAssembly loading beside it.
import './style.css';

import { render } from 'preact';

import { App } from './app';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

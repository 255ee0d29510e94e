// The core's WebAssembly as React state: whether it is ready to call.
import { useEffect, useState } from 'preact/hooks';

import { coreReady } from './core';

/** `true` once the core's functions can be called, an error if the module failed to load. */
export function useCore(): boolean | Error {
  const [state, setState] = useState<boolean | Error>(false);
  useEffect(() => {
    let live = true;
    coreReady.then(() => live && setState(true), (e: unknown) => live && setState(e instanceof Error ? e : new Error(String(e))));
    return () => { live = false; };
  }, []);
  return state;
}

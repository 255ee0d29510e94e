// Loading what a screen shows, with its progress, its error and a way to load it again.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** The state of one load. */
export type Loaded<T> = {
  data: T | null; error: unknown; loading: boolean;
  /** Loads again. */
  reload: () => Promise<void>;
  /** Replaces the data with a newer answer the screen already has. */
  set: (data: T) => void;
};

/** Loads `fetcher()` now and whenever `deps` change; `reload()` loads again. */
export function useLoad<T>(fetcher: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const load = useCallback(fetcher, deps);
  // Only the newest load may land: an older answer arriving late (a search typed on) is dropped.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const n = ++latest.current;
    setLoading(true);
    try {
      const answer = await load();
      if (n !== latest.current) return;
      setData(answer);
      setError(null);
    } catch (e) {
      if (n === latest.current) setError(e);
    } finally {
      if (n === latest.current) setLoading(false);
    }
  }, [load]);
  useEffect(() => { void reload(); }, [reload]);
  const set = useCallback((d: T) => { setData(d); setError(null); }, []);
  return { data, error, loading, reload, set };
}

// Loading what a screen shows, with its progress, its error and a way to load it again.
import { useCallback, useEffect, useState } from 'preact/hooks';

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
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [load]);
  useEffect(() => { void reload(); }, [reload]);
  const set = useCallback((d: T) => { setData(d); setError(null); }, []);
  return { data, error, loading, reload, set };
}

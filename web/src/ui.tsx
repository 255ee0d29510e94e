// Small building blocks every screen uses: error boxes, buttons that show progress, fields.
import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import { ApiError } from './api';

/** An error as the user should read it: the API's `detail`, its code, and the scope a 403 names. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiError) {
    return (
      <div class="error" role="alert">
        <p>{error.message}</p>
        <p class="meta">
          <code>{error.code}</code>
          {error.status ? ` · HTTP ${error.status}` : ''}
          {error.requiredScope ? ` · needs a token with the “${error.requiredScope}” scope` : ''}
        </p>
      </div>
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  return (
    <div class="error" role="alert">
      <p>{message}</p>
      {typeof code === 'string' && <p class="meta"><code>{code}</code></p>}
    </div>
  );
}

/** Runs an async action with its progress and its error: `[run, busy, error, setError]`. */
export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): [(...args: A) => Promise<void>, boolean, unknown, (e: unknown) => void] {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return [run, busy, error, setError];
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'disabled'> & {
  busy?: boolean;
  busyLabel?: string;
  kind?: 'primary' | 'secondary' | 'danger' | 'quiet';
  type?: 'button' | 'submit';
  disabled?: boolean;
};

/** A button that says what it is doing while `busy` (and cannot be pressed twice). */
export function Button({ busy, busyLabel, kind = 'secondary', children, disabled, type = 'button', ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} class={`btn ${kind}`} disabled={disabled || busy} aria-busy={busy ? 'true' : undefined}>
      {busy && <span class="spinner" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}

/** A labelled control with an optional hint under it. */
export function Field({ label, hint, id, required, children }: {
  label: ComponentChildren; hint?: ComponentChildren; id: string; required?: boolean; children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="req" aria-hidden="true"> *</span>}
        {required && <span class="sr-only"> (required)</span>}
      </label>
      {children}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
    </div>
  );
}

/** A panel with a heading. */
export function Section({ title, id, children, actions }: {
  title: ComponentChildren; id?: string; children: ComponentChildren; actions?: ComponentChildren;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section class="panel" id={id} aria-labelledby={headingId}>
      <div class="panel-head">
        <h2 id={headingId} tabIndex={-1}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A short form of an artifact id. */
export const shortId = (id: string) => id.slice(0, 12);

/** A timestamp in the reader's locale. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** JSON for reading. */
export const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** A button that copies text, saying so. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
  };
  return (
    <span class="copy">
      <Button onClick={copy}>{label}</Button>
      <span role="status" class="meta">
        {done === 'copied' ? 'Copied.' : done === 'failed' ? 'Copy failed: select the text and copy it.' : ''}
      </span>
    </span>
  );
}

/** A screen's heading, focusable so a screen change can move focus to it. */
export function Title({ children, sub }: { children: ComponentChildren; sub?: ComponentChildren }) {
  return (
    <div class="title">
      <h1 tabIndex={-1}>{children}</h1>
      {sub && <p class="sub">{sub}</p>}
    </div>
  );
}

/** A table that scrolls sideways on narrow screens, reachable with the keyboard. */
export function TableWrap({ label, children }: { label: string; children: ComponentChildren }) {
  return <div class="table-wrap" role="region" aria-label={label} tabIndex={0}>{children}</div>;
}

import type { ReactNode } from 'react';

/** Props of `StatePanel`. */
export interface StatePanelProps {
  title: string;
  children?: ReactNode;
  /** Look and role: `loading` is announced politely, `error` as an alert. */
  tone?: 'neutral' | 'loading' | 'error';
  /** A link or button to go on with. */
  action?: ReactNode;
  /** Shows a "Try again" button that calls this (in place of `action`). */
  onRetry?: () => void;
}

/** A centered message for empty, loading, error and not-found states. */
export function StatePanel({ title, children, tone = 'neutral', action, onRetry }: StatePanelProps) {
  const next = onRetry ? (
    <button type="button" className="button" onClick={onRetry}>
      Try again
    </button>
  ) : (
    action
  );
  const role = tone === 'error' ? 'alert' : tone === 'loading' ? 'status' : undefined;
  return (
    <section className={`state-panel state-panel--${tone}`} role={role} aria-busy={tone === 'loading' || undefined}>
      {tone === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}
      <h2 className="state-panel__title">{title}</h2>
      {children ? <div className="state-panel__body">{children}</div> : null}
      {next ? <div className="state-panel__action">{next}</div> : null}
    </section>
  );
}

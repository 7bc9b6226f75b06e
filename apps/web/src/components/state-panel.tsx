import type { ReactNode } from 'react';

/** Props of `StatePanel`. */
export interface StatePanelProps {
  title: string;
  children?: ReactNode;
  /** Look and role: `loading` is announced politely (with a spinner), `error` as an alert. */
  tone?: 'neutral' | 'loading' | 'error';
  /** A link or button to go on with. */
  action?: ReactNode;
  /** Shows a button with `retryLabel` that calls this (in place of `action`). */
  onRetry?: () => void;
  retryLabel?: string;
  /** 1 when the panel is all the page shows, so it carries the page's heading; 2 (default) inside a page. */
  headingLevel?: 1 | 2;
}

/** A centered message for empty, loading, error and not-found states. */
export function StatePanel({
  title,
  children,
  tone = 'neutral',
  action,
  onRetry,
  retryLabel = 'Try again',
  headingLevel = 2,
}: StatePanelProps) {
  const next = onRetry ? (
    <button type="button" className="button" onClick={onRetry}>
      {retryLabel}
    </button>
  ) : (
    action
  );
  const role = tone === 'error' ? 'alert' : tone === 'loading' ? 'status' : undefined;
  const Heading = headingLevel === 1 ? 'h1' : 'h2';
  return (
    <section className={`state-panel state-panel--${tone}`} role={role} aria-busy={tone === 'loading' || undefined}>
      {tone === 'loading' ? <span className="spinner" aria-hidden="true" /> : null}
      <Heading className="state-panel__title">{title}</Heading>
      {children ? <div className="state-panel__body">{children}</div> : null}
      {next ? <div className="state-panel__action">{next}</div> : null}
    </section>
  );
}

import { StatePanel } from './state-panel';

/** Props of `UnreachablePanel`. */
export interface UnreachablePanelProps {
  /** Tries again now instead of at the next automatic try. */
  onRetry?: () => void;
  headingLevel?: 1 | 2;
}

/** What a page shows while the server does not answer: that it keeps trying and goes on by itself. */
export function UnreachablePanel({ onRetry, headingLevel }: UnreachablePanelProps) {
  return (
    <StatePanel
      tone="loading"
      title="Can’t reach jobstream right now"
      onRetry={onRetry}
      retryLabel="Try now"
      headingLevel={headingLevel}
    >
      <p>This page keeps trying and carries on by itself as soon as jobstream answers again.</p>
    </StatePanel>
  );
}

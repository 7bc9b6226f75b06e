'use client';

import { StatePanel } from '@/components/state-panel';

/** Shown when a page throws while rendering; offers to render it again. */
export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <StatePanel tone="error" title="Something went wrong" onRetry={reset} headingLevel={1}>
      <p>This page could not be shown. Try again, or reload the page.</p>
    </StatePanel>
  );
}

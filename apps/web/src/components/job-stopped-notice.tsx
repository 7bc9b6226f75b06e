import type { Ref } from 'react';
import type { JobPhase } from '@/lib/job-phase';

const AGAIN = 'To import the rest, start it again: rows already imported are updated, not added twice.';

/** Props of `JobStoppedNotice`. */
export interface JobStoppedNoticeProps {
  phase: Extract<JobPhase, 'cancelled' | 'interrupted' | 'failed'>;
  /** The server's reason, for a failure. */
  reason: string;
  headingRef: Ref<HTMLHeadingElement>;
}

/** Why a job ended before its last row: cancelled (the user's choice, neutral), interrupted (a warning) or failed (an alert). */
export function JobStoppedNotice({ phase, reason, headingRef }: JobStoppedNoticeProps) {
  const heading = (title: string) => (
    <h2 className="notice__title" ref={headingRef} tabIndex={-1}>
      {title}
    </h2>
  );
  if (phase === 'cancelled') {
    return (
      <section className="notice notice--neutral" data-testid="stopped" data-phase={phase}>
        {heading('Import cancelled')}
        <p className="notice__body">You cancelled this import. {AGAIN}</p>
      </section>
    );
  }
  if (phase === 'interrupted') {
    return (
      <section className="notice notice--warning" data-testid="stopped" data-phase={phase}>
        {heading('Import interrupted')}
        <p className="notice__body">The server restarted while this import ran. {AGAIN}</p>
      </section>
    );
  }
  return (
    <section className="notice notice--danger" role="alert" data-testid="stopped" data-phase={phase}>
      {heading('The import failed')}
      <p className="notice__body">{reason || 'The server gave no reason.'}</p>
    </section>
  );
}

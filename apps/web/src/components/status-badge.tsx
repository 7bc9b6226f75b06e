import type { JobPhase } from '@/lib/job-phase';

const LABELS: Record<JobPhase, string> = {
  started: 'Starting',
  processing: 'Processing',
  completed: 'Completed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

/** Props of `StatusBadge`. */
export interface StatusBadgeProps {
  phase: JobPhase;
  /** The phase shown is the last one known, not a live one: say so instead. */
  notLive?: boolean;
}

/** A job's phase as a colored pill: a cancel is neutral, an interruption a warning, only a failure is red. */
export function StatusBadge({ phase, notLive = false }: StatusBadgeProps) {
  return (
    <span className={`badge badge--${notLive ? 'not-live' : phase}`} data-phase={phase}>
      {notLive ? 'Not live' : LABELS[phase]}
    </span>
  );
}

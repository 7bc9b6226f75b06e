import type { JobDisplay } from './job-display';
import { isStoppedPhase, type JobPhase } from './job-phase';
import { outcomeSentence } from './outcome-sentence';

const ENDED: Partial<Record<JobPhase, string>> = {
  completed: 'Import completed.',
  cancelled: 'Import cancelled.',
  interrupted: 'Import interrupted by a server restart.',
};

/**
 * What a screen reader is told about a job, changing only at milestones: that it started, every 10% while it runs,
 * and once its counts are known, how it ended. A job that ended keeps its last milestone until then.
 */
export function jobAnnouncement(job: JobDisplay): string {
  if (job.outcome) {
    const ended = ENDED[job.phase] ?? `Import failed: ${job.reason}${/[.!?]$/.test(job.reason) ? '' : '.'}`;
    return `${ended} ${outcomeSentence(job.outcome, isStoppedPhase(job.phase))}`;
  }
  const milestone = Math.min(90, Math.floor(job.progress / 10) * 10);
  return milestone === 0 ? 'Import started.' : `${milestone}% imported.`;
}

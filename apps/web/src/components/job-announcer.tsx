import { jobAnnouncement } from '@/lib/job-announcement';
import type { JobDisplay } from '@/lib/job-display';

/** A polite live region that speaks only the job's milestones (start, every 10%, the end), never each event. */
export function JobAnnouncer({ job }: { job: JobDisplay }) {
  return (
    <p className="visually-hidden" role="status" data-testid="job-announcer">
      {jobAnnouncement(job)}
    </p>
  );
}

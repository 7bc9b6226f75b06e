import type { Ref } from 'react';
import { formatBytes } from '@/lib/format-bytes';
import { formatCount } from '@/lib/format-count';
import { formatDateTime } from '@/lib/format-date-time';
import type { JobDisplay } from '@/lib/job-display';
import { StatusBadge } from './status-badge';

/** Props of `JobHeader`. */
export interface JobHeaderProps {
  job: JobDisplay;
  /** The page's name for the job: its file's name, or the template's for a job without one. */
  title: string;
  templateLabel: string;
  createdAt: Date | undefined;
  notLive: boolean;
  headingRef: Ref<HTMLHeadingElement>;
}

/** The job page's title row: the file imported, what it holds and when it started, and the status badge. */
export function JobHeader({ job, title, templateLabel, createdAt, notLive, headingRef }: JobHeaderProps) {
  const details = [
    job.fileName === undefined ? undefined : `${templateLabel} import`,
    job.fileBytes === undefined ? undefined : formatBytes(job.fileBytes),
    job.total === undefined ? undefined : `${formatCount(job.total)} rows`,
    createdAt ? `Started ${formatDateTime(createdAt)}` : undefined,
  ].filter((detail) => detail !== undefined);
  return (
    <header className="page-header">
      <div className="page-header__text">
        <h1 className="page-title page-title--file" ref={headingRef} tabIndex={-1} data-testid="job-title">
          {title}
        </h1>
        {details.length > 0 ? (
          <p className="page-meta" data-testid="job-details">
            {details.join(' · ')}
          </p>
        ) : null}
      </div>
      <StatusBadge phase={job.phase} notLive={notLive} />
    </header>
  );
}

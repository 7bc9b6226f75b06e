import type { UploadStatus } from '@jobstream/contracts';
import { formatDateTime } from '@/lib/format-date-time';
import { StatusBadge } from './status-badge';

/** Props of `JobHeader`. */
export interface JobHeaderProps {
  jobId: string;
  title: string;
  status: UploadStatus;
  createdAt: Date | undefined;
}

/** The job page's title row: what is imported, the status badge, when and which job. */
export function JobHeader({ jobId, title, status, createdAt }: JobHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header__text">
        <h1 className="page-title">{title} import</h1>
        <p className="page-meta">
          {createdAt ? <span>Started {formatDateTime(createdAt)} · </span> : null}
          <span className="mono" title="Job id">
            {jobId}
          </span>
        </p>
      </div>
      <StatusBadge status={status} />
    </header>
  );
}

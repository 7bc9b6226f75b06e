import { UploadStatus } from '@jobstream/contracts';

const LABELS: Record<UploadStatus, string> = {
  [UploadStatus.STARTED]: 'Starting',
  [UploadStatus.PROCESSING]: 'Processing',
  [UploadStatus.COMPLETED]: 'Completed',
  [UploadStatus.FAILED]: 'Failed',
};

/** A job's status as a colored pill. */
export function StatusBadge({ status }: { status: UploadStatus }) {
  return (
    <span className={`badge badge--${status}`} data-status={status}>
      {LABELS[status]}
    </span>
  );
}

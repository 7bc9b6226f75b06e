import { formatBytes } from '@/lib/format-bytes';
import type { UploadBytes } from '@/lib/upload-csv';
import { ProgressBar } from './progress-bar';

/** Where sending the file stands. */
export type UploadPhase = { kind: 'idle' } | { kind: 'uploading'; bytes: UploadBytes } | { kind: 'done' };

/** Props of `UploadBytesProgress`. */
export interface UploadBytesProgressProps {
  phase: Exclude<UploadPhase, { kind: 'idle' }>;
  onCancel: () => void;
}

/** The byte progress of the file being sent, with a cancel button. */
export function UploadBytesProgress({ phase, onCancel }: UploadBytesProgressProps) {
  if (phase.kind === 'done') {
    return (
      <div className="upload-progress" role="status">
        <ProgressBar value={100} label="Upload" tone="success" />
        <p className="upload-progress__text">Uploaded. Opening the job…</p>
      </div>
    );
  }
  const { sent, total } = phase.bytes;
  const percent = total > 0 ? (sent / total) * 100 : undefined;
  const text = `${formatBytes(sent)} of ${formatBytes(total)}`;
  return (
    <div className="upload-progress">
      <ProgressBar value={percent} label="Upload" valueText={text} />
      <div className="upload-progress__row">
        <p className="upload-progress__text">
          Uploading… <span className="numeric">{text}</span>
        </p>
        <button type="button" className="button button--quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

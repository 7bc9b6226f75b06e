/** Props of `ProgressBar`. */
export interface ProgressBarProps {
  /** Percent, 0-100; undefined for an indeterminate bar. */
  value: number | undefined;
  /** Accessible name. */
  label: string;
  /** Spoken instead of the bare percent, e.g. "1.2 MB of 4 MB". */
  valueText?: string;
  tone?: 'active' | 'success' | 'danger' | 'warning' | 'neutral';
  size?: 'regular' | 'small';
}

/**
 * A progress bar with `role="progressbar"`, `aria-valuenow` and an indeterminate mode. The fill is scaled with a
 * transform rather than sized by width, so moving it never lays the page out again.
 */
export function ProgressBar({ value, label, valueText, tone = 'active', size = 'regular' }: ProgressBarProps) {
  const clamped = value === undefined ? undefined : Math.min(100, Math.max(0, value));
  return (
    <div
      className={`progress progress--${tone} progress--${size}${clamped === undefined ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped === undefined ? undefined : Math.round(clamped)}
      aria-valuetext={valueText}
    >
      <div
        className="progress__fill"
        style={clamped === undefined ? undefined : { transform: `scaleX(${clamped / 100})` }}
      />
    </div>
  );
}

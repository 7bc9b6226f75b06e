import { errorsFileName } from '@/lib/errors-file-name';
import { formatCount } from '@/lib/format-count';

/** Props of `RowErrors`. */
export interface RowErrorsProps {
  jobId: string;
  /** The uploaded file's name, which the download is named after. */
  fileName: string | undefined;
  errors: readonly string[];
  /** Rows rejected in all, which may exceed the errors listed. */
  rejected: number;
  /** Whether the job has ended, so the full file can be downloaded. */
  finished: boolean;
}

/** The rejected rows' messages as they arrive, and once the job ends a link to download them all as CSV. */
export function RowErrors({ jobId, fileName, errors, rejected, finished }: RowErrorsProps) {
  if (errors.length === 0 && rejected === 0) return null;
  const more = rejected - errors.length;
  return (
    <section className="card row-errors" aria-labelledby="row-errors-title">
      <div className="row-errors__head">
        <h2 id="row-errors-title" className="section-title">
          Row errors <span className="count">{formatCount(Math.max(rejected, errors.length))}</span>
        </h2>
        {finished ? (
          <a className="button" href={`/uploads/${jobId}/errors.csv`} download={errorsFileName(jobId, fileName)}>
            Download rejected rows (CSV)
          </a>
        ) : null}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard */}
      <ol className="row-errors__list" data-testid="row-errors" tabIndex={0} aria-labelledby="row-errors-title">
        {errors.map((error) => (
          <li key={error} className="row-errors__item">
            {error}
          </li>
        ))}
      </ol>
      {more > 0 ? (
        <p className="row-errors__more">
          {formatCount(more)} more {more === 1 ? 'row was' : 'rows were'} rejected.
          {finished ? ' The download has every rejected row with its reason.' : null}
        </p>
      ) : null}
    </section>
  );
}

import { isFinished, type JobProgressState } from './job-progress-reducer';
import { estimateEtaMs, visibleRate } from './rate-estimator';

/** A running job's pace: rows per second and milliseconds left, each undefined until meaningful and once it ended. */
export interface JobEstimate {
  rate: number | undefined;
  eta: number | undefined;
}

/** The pace of the job `state` describes, from its smoothed rate. */
export function jobEstimate(state: JobProgressState): JobEstimate {
  if (isFinished(state)) return { rate: undefined, eta: undefined };
  return { rate: visibleRate(state.rate), eta: estimateEtaMs(state.rate, state.processed, state.total) };
}

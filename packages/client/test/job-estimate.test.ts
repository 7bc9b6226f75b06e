import { describe, expect, it } from 'vitest';
import { jobEstimate } from '../src/job-estimate';
import { initialJobProgress, type JobProgressState, jobProgressReducer } from '../src/job-progress-reducer';
import { completed, JOB, progress } from './events';

function stateAfter(events: Array<[id: string, percent: number, at: number]>): JobProgressState {
  return events.reduce(
    (state, [id, percent, at]) =>
      jobProgressReducer(state, { type: 'event', id, event: progress(percent), receivedAt: at }),
    initialJobProgress(JOB),
  );
}

/** 100 rows a second for three seconds. */
const RUNNING = stateAfter([
  ['e1:1', 0, 0],
  ['e1:2', 10, 1000],
  ['e1:3', 20, 2000],
  ['e1:4', 30, 3000],
]);

describe('jobEstimate', () => {
  it('has no pace before enough samples', () => {
    expect(jobEstimate(stateAfter([['e1:1', 0, 0]]))).toEqual({ rate: undefined, eta: undefined });
  });

  it('gives rows per second and the time left while the job runs', () => {
    const { rate, eta } = jobEstimate(RUNNING);
    expect(rate).toBeCloseTo(100);
    expect(eta).toBeCloseTo(7000);
  });

  it('has no pace once the job ended', () => {
    const done = jobProgressReducer(RUNNING, { type: 'event', id: 'e1:5', event: completed(), receivedAt: 4000 });
    expect(jobEstimate(done)).toEqual({ rate: undefined, eta: undefined });
  });
});

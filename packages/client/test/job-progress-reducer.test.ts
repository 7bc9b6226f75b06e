import type { JobStreamEvent } from '@jobstream/contracts';
import { describe, expect, it } from 'vitest';
import { initialJobProgress, isFinished, type JobProgressState, jobProgressReducer } from '../src/job-progress-reducer';
import { completed, failed, JOB, progress } from './events';

function run(actions: Array<[id: string, event: JobStreamEvent, at?: number]>): JobProgressState {
  return actions.reduce<JobProgressState>(
    (state, [id, event, at = 0]) => jobProgressReducer(state, { type: 'event', id, event, receivedAt: at }),
    initialJobProgress(JOB),
  );
}

describe('jobProgressReducer', () => {
  it('starts empty, then takes the snapshot as the current state', () => {
    expect(initialJobProgress(JOB)).toMatchObject({
      status: undefined,
      progress: 0,
      errors: [],
      lastEventId: undefined,
    });
    const state = run([['e1:7', progress(40, {}, { snapshot: true })]]);
    expect(state).toMatchObject({
      status: 'processing',
      progress: 40,
      processed: 400,
      total: 1000,
      lastEventId: 'e1:7',
    });
    expect(state.message).toBe('at 40%');
  });

  it('replaces progress with each newer event', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', progress(10)],
      ['e1:3', progress(55, { message: 'Importing rows' })],
    ]);
    expect(state).toMatchObject({ status: 'processing', progress: 55, processed: 550, message: 'Importing rows' });
    expect(state.lastEventId).toBe('e1:3');
  });

  it('accumulates row errors without duplicates when a resumed stream repeats them', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', progress(10, { errors: ['Row 3: bad email'] })],
      ['e1:3', progress(20, { errors: ['Row 3: bad email', 'Row 9: missing name'] })],
      ['e1:3', progress(20, { errors: ['Row 3: bad email', 'Row 9: missing name'] })],
      ['e1:4', progress(30, { errors: ['Row 3: bad email', 'Row 9: missing name', 'Row 12: bad age'] })],
    ]);
    expect(state.errors).toEqual(['Row 3: bad email', 'Row 9: missing name', 'Row 12: bad age']);
  });

  it('ignores events replayed at or before the last applied id', () => {
    const before = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', progress(10)],
      ['e1:3', progress(20)],
    ]);
    const replayed = jobProgressReducer(before, { type: 'event', id: 'e1:2', event: progress(10), receivedAt: 0 });
    expect(replayed).toBe(before);
  });

  it('ends with the result on completion and ignores anything after', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', progress(80, { errors: ['Row 5: bad email'] })],
      ['e1:3', completed(['Row 5: bad email', 'Row 700: bad email'])],
    ]);
    expect(isFinished(state)).toBe(true);
    expect(state).toMatchObject({ status: 'completed', progress: 100, processed: 1000 });
    expect(state.result?.inserted).toBe(990);
    expect(state.errors).toEqual(['Row 5: bad email', 'Row 700: bad email']);
    const after = jobProgressReducer(state, { type: 'event', id: 'e1:9', event: progress(90), receivedAt: 0 });
    expect(after).toBe(state);
  });

  it('ends with the failure and its reason', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', failed('Header is missing column "email"')],
    ]);
    expect(state.status).toBe('failed');
    expect(state.message).toBe('Header is missing column "email"');
    expect(state.failure?.message).toBe('Header is missing column "email"');
    expect(state.result).toBeUndefined();
  });

  it('jumps to a snapshot flagged missed after a gap, keeping errors already shown', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true })],
      ['e1:2', progress(10, { errors: ['Row 3: bad email'] })],
      ['e1:40', progress(70, { errors: ['Row 3: bad email', 'Row 500: bad email'] }, { snapshot: true, missed: true })],
      ['e1:41', progress(75)],
    ]);
    expect(state).toMatchObject({ progress: 75, missed: true, lastEventId: 'e1:41' });
    expect(state.errors).toEqual(['Row 3: bad email', 'Row 500: bad email']);
  });

  it('takes a snapshot from a new epoch, as after the server lost the job’s history, and goes on in that epoch', () => {
    const state = run([
      ['e1:30', progress(50, {}, { snapshot: true })],
      ['e2:2', progress(60, {}, { snapshot: true, missed: true })],
      ['e2:3', progress(65)],
    ]);
    expect(state).toMatchObject({ progress: 65, lastEventId: 'e2:3' });
    const replayed = jobProgressReducer(state, { type: 'event', id: 'e2:2', event: progress(60), receivedAt: 0 });
    expect(replayed).toBe(state);
  });

  it('takes a terminal snapshot for a late subscriber', () => {
    const state = run([['e1:12', { ...completed(), snapshot: true }]]);
    expect(state.status).toBe('completed');
    expect(state.result?.durationMs).toBe(4200);
  });

  it('ignores events of another job and starts over on reset', () => {
    const state = run([['e1:1', progress(30, {}, { snapshot: true })]]);
    const other = progress(90);
    const foreign = jobProgressReducer(state, {
      type: 'event',
      id: 'e1:2',
      event: { ...other, payload: { ...other.payload, jobId: 'another' } } as typeof other,
      receivedAt: 0,
    });
    expect(foreign).toBe(state);
    expect(jobProgressReducer(state, { type: 'reset', jobId: JOB })).toBe(state);
    expect(jobProgressReducer(state, { type: 'reset', jobId: 'another' })).toEqual(initialJobProgress('another'));
  });

  it('feeds processed counts into the rate estimate with their arrival times', () => {
    const state = run([
      ['e1:1', progress(0, {}, { snapshot: true }), 0],
      ['e1:2', progress(10), 1000],
      ['e1:3', progress(20), 2000],
      ['e1:4', progress(30), 3000],
    ]);
    expect(state.rate.samples).toBe(3);
    expect(state.rate.rate).toBeCloseTo(100);
  });
});

import { randomUUID } from 'node:crypto';
import type { JobEvent, UploadProgress } from '@jobstream/contracts';
import { describe, expect, it } from 'vitest';
import {
  createProgressHub,
  JobLifecycleError,
  type ProgressHub,
  parseEventId,
  type StoredEvent,
  validateTransition,
} from '../src/index';
import { progressOf, resultOf } from '../src/testing/payloads';
import { logOf, seqOf } from './event-ids';

/** Runs `fn`, expecting a JobLifecycleError for `jobId`; returns its message. */
async function lifecycleError(jobId: string, fn: () => unknown): Promise<string> {
  let thrown: unknown;
  try {
    await fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(JobLifecycleError);
  const error = thrown as JobLifecycleError;
  expect(error.name).toBe('JobLifecycleError');
  expect(error.jobId).toBe(jobId);
  expect(error.message.startsWith(`job ${jobId}: `)).toBe(true);
  return error.message;
}

/** Expects every kind of emit (and `more`) on an ended job to be refused as coming after its terminal event. */
async function expectEnded(
  hub: ProgressHub,
  jobId: string,
  outcome: string,
  more: Array<() => unknown> = [],
): Promise<void> {
  const after = [
    ...more,
    () => hub.emitter.emitProgress(jobId, progressOf(jobId, 100)),
    () => hub.emitter.emitCompletion(jobId, resultOf(jobId)),
    () => hub.emitter.emitError(jobId, 'again'),
  ];
  for (const emit of after) {
    expect(await lifecycleError(jobId, emit)).toBe(
      `job ${jobId}: already ${outcome}; nothing is accepted after a terminal event`,
    );
  }
}

function stored(event: JobEvent, seq: number): StoredEvent {
  return { ...event, id: `test:${seq}`, seq, at: 0 };
}

describe('ProgressEmitter lifecycle', () => {
  it('accepts started -> processing* -> completed with ids "<epoch>:1", "<epoch>:2", ... strictly increasing', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    const ids = [await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'))];
    for (let p = 10; p <= 90; p += 10) ids.push(await hub.emitter.emitProgress(jobId, progressOf(jobId, p)));
    ids.push(await hub.emitter.emitCompletion(jobId, resultOf(jobId)));
    expect(ids.map(seqOf)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    const room = logOf(hub).get(jobId);
    expect(room?.epoch).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(ids.every((id) => id.startsWith(`${room?.epoch}:`))).toBe(true);
    expect(room?.seq).toBe(11);
    expect(room?.latest?.event).toBe('upload-completed');
    expect(room?.ended).toBe(true);
  });

  it('accepts started -> processing -> failed, carrying the template name and row errors', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 40));
    expect(seqOf(await hub.emitter.emitError(jobId, 'Disk full', { errors: ['Row 1: name: is required'] }))).toBe('3');
    expect(logOf(hub).get(jobId)?.latest).toMatchObject({
      event: 'upload-error',
      seq: 3,
      payload: {
        jobId,
        templateName: 'users',
        status: 'failed',
        message: 'Disk full',
        errors: ['Row 1: name: is required'],
      },
    });
  });

  it('numbers each job on its own, each in an epoch of its own', async () => {
    using hub = createProgressHub();
    const a = randomUUID();
    const b = randomUUID();
    const a1 = await hub.emitter.emitProgress(a, progressOf(a, 0, 'started'));
    const b1 = await hub.emitter.emitProgress(b, progressOf(b, 0, 'started'));
    expect([seqOf(a1), seqOf(b1)]).toEqual(['1', '1']);
    expect(parseEventId(a1)?.epoch).not.toBe(parseEventId(b1)?.epoch);
    expect(seqOf(await hub.emitter.emitProgress(a, progressOf(a, 1)))).toBe('2');
    expect(seqOf(await hub.emitter.emitProgress(b, progressOf(b, 1)))).toBe('2');
  });

  it('requires the first event to be started', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(jobId, 5)))).toContain(
      "the first event must have status 'started', got 'processing'",
    );
    expect(await lifecycleError(jobId, () => hub.emitter.emitCompletion(jobId, resultOf(jobId)))).toContain(
      'job was never started',
    );
    expect(logOf(hub).get(jobId)).toBeUndefined();
    expect(hub.metrics().eventsEmitted).toBe(0);
  });

  it('rejects emitError for a job it never saw', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    expect(await lifecycleError(jobId, () => hub.emitter.emitError(jobId, 'boom'))).toBe(
      `job ${jobId}: job was never started`,
    );
    expect(hub.metrics()).toMatchObject({ roomsActive: 0, eventsEmitted: 0 });
  });

  it('never lets progress decrease, but allows equal progress', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
    expect(seqOf(await hub.emitter.emitProgress(jobId, progressOf(jobId, 50)))).toBe('3');
    expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(jobId, 49.9)))).toContain(
      'progress cannot decrease (from 50 to 49.9)',
    );
    // A rejected event leaves no trace: the next accepted one takes the next id.
    expect(seqOf(await hub.emitter.emitProgress(jobId, progressOf(jobId, 51)))).toBe('4');
  });

  it('accepts started only as the first event: never twice, never going back to it', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started')))).toBe(
      `job ${jobId}: already started; only the first event may have status 'started'`,
    );
    expect(seqOf(await hub.emitter.emitProgress(jobId, progressOf(jobId, 10)))).toBe('2');
    expect(
      await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(jobId, 10, 'started'))),
    ).toContain("cannot go back to 'started' from 'processing'");
    expect(logOf(hub).get(jobId)?.seq).toBe(2);
  });

  it.each(['completed', 'failed'] as const)('accepts nothing after the job %s', async (outcome) => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    if (outcome === 'completed') await hub.emitter.emitCompletion(jobId, resultOf(jobId));
    else await hub.emitter.emitError(jobId, 'Bad header');
    await expectEnded(hub, jobId, outcome);
    expect(logOf(hub).get(jobId)?.seq).toBe(2);
    expect(hub.metrics().eventsEmitted).toBe(2);
  });

  it('rejects a payload for another job, for every kind of event', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    const other = randomUUID();
    expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(other, 0, 'started')))).toBe(
      `job ${jobId}: payload is for job ${other}`,
    );
    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(other, 10)))).toContain(
      `payload is for job ${other}`,
    );
    expect(await lifecycleError(jobId, () => hub.emitter.emitCompletion(jobId, resultOf(other)))).toContain(
      `payload is for job ${other}`,
    );
    expect(logOf(hub).get(other)).toBeUndefined();
    expect(logOf(hub).get(jobId)?.seq).toBe(1);
  });

  it('rejects invalid payloads, naming the field', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    const tooBig = await lifecycleError(jobId, () =>
      hub.emitter.emitProgress(jobId, progressOf(jobId, 101, 'started')),
    );
    expect(tooBig).toMatch(/^job [0-9a-f-]+: invalid payload \(progress: /);
    const negative = await lifecycleError(jobId, () =>
      hub.emitter.emitProgress(jobId, progressOf(jobId, -1, 'started')),
    );
    expect(negative).toMatch(/invalid payload \(progress: /);
    const { templateName: _omitted, ...withoutTemplate } = progressOf(jobId, 0, 'started');
    const missing = await lifecycleError(jobId, () =>
      hub.emitter.emitProgress(jobId, withoutTemplate as unknown as UploadProgress),
    );
    expect(missing).toMatch(/invalid payload \(templateName: /);
    const badId = await lifecycleError('not-a-uuid', () =>
      hub.emitter.emitProgress('not-a-uuid', progressOf('not-a-uuid', 0, 'started')),
    );
    expect(badId).toContain('jobId: jobId must be a UUID');
    const twoFields = await lifecycleError(jobId, () =>
      hub.emitter.emitProgress(jobId, {
        ...progressOf(jobId, 0, 'started'),
        processed: -1,
        message: 7 as unknown as string,
      }),
    );
    expect(twoFields).toContain('message: ');
    expect(twoFields).toContain('processed: ');

    await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const badResult = await lifecycleError(jobId, () =>
      hub.emitter.emitCompletion(jobId, { ...resultOf(jobId), inserted: -3 }),
    );
    expect(badResult).toMatch(/invalid payload \(inserted: /);
    const emptyMessage = await lifecycleError(jobId, () => hub.emitter.emitError(jobId, ''));
    expect(emptyMessage).toMatch(/invalid payload \(message: /);
    // None of the rejected events changed the job.
    expect(logOf(hub).get(jobId)?.seq).toBe(1);
    expect(seqOf(await hub.emitter.emitProgress(jobId, progressOf(jobId, 100)))).toBe('2');
  });
});

describe('a job whose room has left memory', () => {
  it.each(['completed', 'failed'] as const)(
    'accepts only a new started for a job that %s once its room is released, in a new epoch',
    async (outcome) => {
      using hub = createProgressHub({ retentionMs: 0 });
      const jobId = randomUUID();
      const first = await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
      await hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
      if (outcome === 'completed') await hub.emitter.emitCompletion(jobId, resultOf(jobId));
      else await hub.emitter.emitError(jobId, 'Disk full');
      expect(logOf(hub).get(jobId)).toBeUndefined(); // released at once: retention 0, nobody subscribed
      expect(await lifecycleError(jobId, () => hub.emitter.emitProgress(jobId, progressOf(jobId, 60)))).toContain(
        "the first event must have status 'started'",
      );
      expect(await lifecycleError(jobId, () => hub.emitter.emitError(jobId, 'again'))).toContain(
        'job was never started',
      );
      // A history that starts again is a new epoch: no id of the old one is given again, or read as one of the new.
      const again = await hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
      expect(seqOf(again)).toBe('1');
      expect(parseEventId(again)?.epoch).not.toBe(parseEventId(first)?.epoch);
      expect(hub.metrics()).toMatchObject({ roomsActive: 1, eventsEmitted: 4 });
    },
  );
});

describe('validateTransition', () => {
  const jobId = randomUUID();
  const started = stored({ event: 'upload-progress', payload: progressOf(jobId, 0, 'started') }, 1);
  const at60 = stored({ event: 'upload-progress', payload: progressOf(jobId, 60) }, 2);
  const done = stored({ event: 'upload-completed', payload: resultOf(jobId) }, 3);

  it('returns the parsed event, dropping unknown fields', async () => {
    const next: JobEvent = {
      event: 'upload-progress',
      payload: { ...progressOf(jobId, 61), extra: 'x' } as UploadProgress,
    };
    const parsed = validateTransition(jobId, at60, next);
    expect(parsed).toEqual({ event: 'upload-progress', payload: progressOf(jobId, 61) });
  });

  it('applies the same rules as the emitter', async () => {
    expect(() =>
      validateTransition(jobId, undefined, { event: 'upload-progress', payload: progressOf(jobId, 0) }),
    ).toThrow(JobLifecycleError);
    expect(validateTransition(jobId, undefined, started)).toMatchObject({ event: 'upload-progress' });
    expect(() => validateTransition(jobId, at60, { event: 'upload-progress', payload: progressOf(jobId, 59) })).toThrow(
      /progress cannot decrease \(from 60 to 59\)/,
    );
    expect(validateTransition(jobId, at60, { event: 'upload-progress', payload: progressOf(jobId, 60) })).toBeTruthy();
    expect(() =>
      validateTransition(jobId, done, { event: 'upload-progress', payload: progressOf(jobId, 100) }),
    ).toThrow(/already completed; nothing is accepted after a terminal event/);
    expect(() =>
      validateTransition(jobId, undefined, {
        event: 'upload-error',
        payload: { jobId, templateName: 'users', status: 'failed', message: 'x' },
      }),
    ).toThrow(/job was never started/);
  });
});

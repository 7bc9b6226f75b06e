import { randomUUID } from 'node:crypto';
import type { JobStreamEvent, UploadProgress, UploadResult } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  conflate,
  createProgressHub,
  type DeliveredEvent,
  jobEvents,
  type ProgressHub,
  type ProgressHubOptions,
  type PulledEvents,
  type StoredEvent,
  toDelivered,
  UnknownJobError,
} from '../src/index';
import { gate } from './connection-gate';
import { idOf, logOf, seqOf } from './event-ids';

type Stream = PulledEvents;
/** A delivered event as one flat object: its id (as its sequence number: one job's ids share an epoch) next to its wire data. */
type Flat = JobStreamEvent & { id: string };

function flat(event: DeliveredEvent): Flat {
  return { id: seqOf(event.id), ...event.data };
}

function progressOf(
  jobId: string,
  progress: number,
  status: 'started' | 'processing' = 'processing',
  processed = Math.floor(progress),
): UploadProgress {
  return { jobId, templateName: 'users', status, progress, message: `at ${processed}`, processed, total: 10_000 };
}

function resultOf(jobId: string): UploadResult {
  return {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed: 10,
    total: 10,
    inserted: 10,
    updated: 0,
    failed: 0,
    errors: [],
    durationMs: 1,
  };
}

/** A hub whose registry reads a clock the test moves by hand. */
function hubWithClock(options: ProgressHubOptions = {}): { hub: ProgressHub; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { hub: createProgressHub({ ...options, now: () => clock.now }), clock };
}

/** Emits `started` then processing events at 1, 2, ... so the job's ids run 1..count. */
function emitSequence(hub: ProgressHub, jobId: string, count: number): void {
  hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
  for (let i = 1; i < count; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i / 100, 'processing', i));
}

/** Subscribes to `jobId`, resuming after event number `lastEventId` of its history (or after that id as given, if not a number). */
function subscribe(hub: ProgressHub, jobId: string, lastEventId?: string, conflate?: boolean) {
  const abort = new AbortController();
  const resume = lastEventId === undefined ? undefined : idOf(hub, jobId, lastEventId);
  const stream = jobEvents(hub, jobId, { lastEventId: resume, signal: abort.signal, conflate });
  return { stream, abort };
}

async function next(stream: Stream): Promise<Flat> {
  const result = await stream.next();
  if (result.done) throw new Error('stream ended early');
  return flat(result.value);
}

async function take(stream: Stream, count: number): Promise<Flat[]> {
  const events: Flat[] = [];
  for (let i = 0; i < count; i++) events.push(await next(stream));
  return events;
}

/** Asserts the stream has nothing more to give right now (its next pull waits on the room), then ends it by aborting. */
async function expectWaiting(hub: ProgressHub, stream: Stream, abort: AbortController): Promise<void> {
  let settled = false;
  const pending = stream.next().finally(() => {
    settled = true;
  });
  await waitFor(() => expect(hub.metrics().listenersActive).toBe(1));
  expect(settled).toBe(false);
  abort.abort();
  expect(await pending).toEqual({ done: true, value: undefined });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('subscribing to a job', () => {
  it('gives a fresh subscriber the current state first, flagged snapshot, then every new event', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 3);
    const { stream, abort } = subscribe(hub, jobId);
    expect(await next(stream)).toEqual({
      id: '3',
      event: 'upload-progress',
      payload: progressOf(jobId, 0.02, 'processing', 2),
      snapshot: true,
    });
    hub.emitter.emitProgress(jobId, progressOf(jobId, 5));
    expect(await next(stream)).toEqual({ id: '4', event: 'upload-progress', payload: progressOf(jobId, 5) });
    expect(hub.metrics()).toMatchObject({ snapshotsSent: 1, eventsDelivered: 2, subscriptionsActive: 1 });
    await expectWaiting(hub, stream, abort);
    expect(hub.metrics().subscriptionsActive).toBe(0);
  });

  it('fails the first pull with UnknownJobError for a job the log does not hold', async () => {
    using hub = createProgressHub();
    await expect(jobEvents(hub, randomUUID()).next()).rejects.toThrow(UnknownJobError);
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, roomsActive: 0 });
  });

  it('ends the stream right after the terminal event', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 2);
    const { stream } = subscribe(hub, jobId);
    await next(stream);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(await next(stream)).toEqual({ id: '3', event: 'upload-completed', payload: resultOf(jobId) });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0 });
  });

  it('gives a late subscriber of an ended job the terminal event as its snapshot, then ends', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 4);
    hub.emitter.emitError(jobId, 'Bad header');
    const { stream } = subscribe(hub, jobId);
    expect(await next(stream)).toEqual({
      id: '5',
      event: 'upload-error',
      payload: { jobId, templateName: 'users', status: 'failed', message: 'Bad header' },
      snapshot: true,
    });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });
});

describe('resuming from a lastEventId', () => {
  it('returns exactly the events after an id still in the ring, unconflated', async () => {
    using hub = createProgressHub({ maxEvents: 10 });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 20);
    const { stream, abort } = subscribe(hub, jobId, '12');
    const events = await take(stream, 8);
    expect(events.map((e) => e.id)).toEqual(['13', '14', '15', '16', '17', '18', '19', '20']);
    expect(events.every((e) => e.snapshot === undefined && e.missed === undefined)).toBe(true);
    expect(events.map((e) => (e.payload as UploadProgress).processed)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(hub.metrics().eventsConflated).toBe(0);
    await expectWaiting(hub, stream, abort);
  });

  it('resumes from the oldest id the ring can still follow (the boundary)', async () => {
    using hub = createProgressHub({ maxEvents: 10 });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 20);
    const { stream, abort } = subscribe(hub, jobId, '10');
    expect((await take(stream, 10)).map((e) => e.id)).toEqual([
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
    ]);
    await expectWaiting(hub, stream, abort);
  });

  it('waits for the next event when resuming from the newest id', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 5);
    const { stream } = subscribe(hub, jobId, '5');
    const pending = next(stream);
    await waitFor(() => expect(hub.metrics().listenersActive).toBe(1));
    hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
    expect(await pending).toEqual({ id: '6', event: 'upload-progress', payload: progressOf(jobId, 50) });
    await stream.return();
  });

  it.each([
    ['an id that left the ring', '9'],
    ['an id from the future', '99'],
    ['a malformed id', 'abc'],
  ])('sends the current state flagged missed for %s', async (_case, lastEventId) => {
    using hub = createProgressHub({ maxEvents: 10 });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 20);
    const { stream, abort } = subscribe(hub, jobId, lastEventId);
    expect(await next(stream)).toEqual({
      id: '20',
      event: 'upload-progress',
      payload: progressOf(jobId, 0.19, 'processing', 19),
      snapshot: true,
      missed: true,
    });
    hub.emitter.emitProgress(jobId, progressOf(jobId, 30));
    expect(await next(stream)).toEqual({ id: '21', event: 'upload-progress', payload: progressOf(jobId, 30) });
    await expectWaiting(hub, stream, abort);
  });

  it('yields nothing more once its signal aborts, even in the middle of a batch', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 10);
    const { stream, abort } = subscribe(hub, jobId, '2');
    expect(await next(stream)).toMatchObject({ id: '3' });
    abort.abort();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(hub.metrics().subscriptionsActive).toBe(0);
  });

  it('bounds the history by age, on the registry clock, always keeping the newest event', async () => {
    const { hub, clock } = hubWithClock({ maxEvents: 100, maxAgeMs: 1_000 });
    using _hub = hub;
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started')); // 1 at t=0
    for (const [dt, p] of [
      [400, 1], // 2 at t=400
      [400, 2], // 3 at t=800
      [400, 3], // 4 at t=1200: 1 is older than 1 s
    ] as const) {
      clock.now += dt;
      hub.emitter.emitProgress(jobId, progressOf(jobId, p));
    }
    const inRing = subscribe(hub, jobId, '1');
    expect((await take(inRing.stream, 3)).map((e) => e.id)).toEqual(['2', '3', '4']);
    await inRing.stream.return();
    const gone = subscribe(hub, jobId, '0');
    expect(await next(gone.stream)).toMatchObject({ id: '4', snapshot: true, missed: true });
    await gone.stream.return();

    clock.now += 5_000; // 5 at t=6200: everything before it is too old
    hub.emitter.emitProgress(jobId, progressOf(jobId, 4));
    const old = subscribe(hub, jobId, '3');
    expect(await next(old.stream)).toMatchObject({ id: '5', snapshot: true, missed: true });
    await old.stream.return();
    const fresh = subscribe(hub, jobId, '4');
    expect(await next(fresh.stream)).toMatchObject({ id: '5', payload: { progress: 4 } });
    await fresh.stream.return();
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0 });
  });
});

describe('lagging subscribers and shared data', () => {
  it('gives a subscriber whose events left the ring after the job ended the last progress, then the terminal event', async () => {
    using hub = createProgressHub({ maxEvents: 10 });
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream } = subscribe(hub, jobId);
    await next(stream);
    for (let i = 1; i <= 30; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i, 'processing', i));
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    const delivered: Flat[] = [];
    for await (const event of stream) delivered.push(flat(event));
    expect(delivered).toEqual([
      { id: '31', event: 'upload-progress', payload: progressOf(jobId, 30), snapshot: true, missed: true },
      { id: '32', event: 'upload-completed', payload: resultOf(jobId), snapshot: true, missed: true },
    ]);
    expect(hub.metrics().eventsConflated).toBe(29);
  });

  it('hands every subscriber the one stored payload of an event', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const a = subscribe(hub, jobId);
    const b = subscribe(hub, jobId);
    await next(a.stream);
    await next(b.stream);
    const pendingA = a.stream.next();
    const pendingB = b.stream.next();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 10));
    const [gotA, gotB] = await Promise.all([pendingA, pendingB]);
    expect(gotA.value?.data).toEqual({ event: 'upload-progress', payload: progressOf(jobId, 10) });
    expect(gotA.value?.data.payload).toBe(gotB.value?.data.payload);
    await a.stream.return();
    await b.stream.return();
  });

  it('stores events bare: a subscriber’s delivered form is its own, with the stored payload', () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const room = logOf(hub).get(jobId);
    const first = room?.latest as StoredEvent;
    expect(Object.keys(first)).toEqual(['event', 'payload', 'id', 'seq', 'at']);
    expect(first.id).toBe(`${room?.epoch}:1`);
    expect(toDelivered(first)).toEqual({
      id: first.id,
      data: { event: first.event, payload: first.payload },
      at: first.at,
    });
    expect(toDelivered(first).data.payload).toBe(first.payload);
  });
});

describe('backpressure (writable)', () => {
  it('holds events while the connection is full, then sends the latest state', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const connection = gate();
    const stream = jobEvents(hub, jobId, { writable: connection.writable });
    await next(stream);
    connection.block();
    const pending = next(stream);
    for (let p = 1; p <= 100; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p));
    await waitFor(() => expect(connection.waits).toBe(1)); // it tried to send, and had to wait
    connection.drain();
    expect(await pending).toEqual({ id: '101', event: 'upload-progress', payload: progressOf(jobId, 100) });
    expect(hub.metrics().eventsConflated).toBe(99);
    await stream.return();
  });

  it('ends at once when its signal aborts while the connection is full', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const connection = gate();
    const abort = new AbortController();
    const stream = jobEvents(hub, jobId, { writable: connection.writable, signal: abort.signal });
    await next(stream);
    connection.block();
    const pending = stream.next();
    await Promise.resolve();
    abort.abort(); // the subscriber left; its connection is still full
    try {
      await waitFor(() => expect(hub.metrics().subscriptionsActive).toBe(0));
    } finally {
      connection.drain(); // let the stream finish either way
    }
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});

describe('conflation', () => {
  it('delivers a burst of 10,000 progress events to a subscriber that is not pulling as one exact latest state', async () => {
    using hub = createProgressHub({ maxEvents: 20_000 });
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream } = subscribe(hub, jobId);
    expect(await next(stream)).toMatchObject({ id: '1', snapshot: true });
    for (let i = 1; i <= 10_000; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i / 100, 'processing', i));
    hub.emitter.emitCompletion(jobId, resultOf(jobId));

    const delivered: Flat[] = [];
    for await (const event of stream) delivered.push(flat(event));
    expect(delivered).toEqual([
      { id: '10001', event: 'upload-progress', payload: progressOf(jobId, 100, 'processing', 10_000) },
      { id: '10002', event: 'upload-completed', payload: resultOf(jobId) },
    ]);
    expect(hub.metrics()).toMatchObject({
      eventsEmitted: 10_002,
      eventsDelivered: 3,
      eventsConflated: 9_999,
      subscriptionsActive: 0,
    });
  });

  it('delivers every event of a burst that arrives while the subscriber waits for its next event', async () => {
    using hub = createProgressHub({ maxEvents: 20_000 });
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream } = subscribe(hub, jobId);
    await next(stream);
    const pending = next(stream);
    await waitFor(() => expect(hub.metrics().listenersActive).toBe(1));
    for (let i = 1; i <= 10_000; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i / 100, 'processing', i));
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    const delivered = [await pending];
    for await (const event of stream) delivered.push(flat(event));
    expect(delivered).toHaveLength(10_001);
    expect(delivered.every((event, i) => event.id === String(i + 2) && event.snapshot === undefined)).toBe(true);
    expect(delivered[9_999]?.payload).toEqual(progressOf(jobId, 100, 'processing', 10_000));
    expect(hub.metrics()).toMatchObject({
      eventsConflated: 0,
      eventsDelivered: 10_002,
      subscriptionsActive: 0,
    });
  });

  it('conflates only what arrives while it is not pulling, then delivers every event again', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream, abort } = subscribe(hub, jobId);
    await next(stream); // 1; the subscriber now holds its event and does not pull
    for (let p = 1; p <= 50; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..51
    expect(await next(stream)).toEqual({ id: '51', event: 'upload-progress', payload: progressOf(jobId, 50) });
    expect(hub.metrics().eventsConflated).toBe(49);
    const pending = next(stream);
    await waitFor(() => expect(hub.metrics().listenersActive).toBe(1));
    for (let p = 51; p <= 55; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p)); // 52..56
    const caughtUp = [await pending, ...(await take(stream, 4))];
    expect(caughtUp.map((e) => e.id)).toEqual(['52', '53', '54', '55', '56']);
    expect(hub.metrics().eventsConflated).toBe(49);
    await expectWaiting(hub, stream, abort);
  });

  it('keeps status changes and the terminal event when conflating', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started')); // 1
    for (let p = 1; p <= 7; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..8
    hub.emitter.emitError(jobId, 'Disk full'); // 9
    const history = logOf(hub).get(jobId)?.eventsAfter(0) ?? [];
    expect(history).toHaveLength(9);
    expect(conflate(history).map((e) => [e.seq, e.payload.status])).toEqual([
      [1, 'started'],
      [8, 'processing'],
      [9, 'failed'],
    ]);

    const late = randomUUID();
    hub.emitter.emitProgress(late, progressOf(late, 0, 'started'));
    const { stream } = subscribe(hub, late);
    await next(stream); // not pulling while the rest arrives
    for (let p = 1; p <= 7; p++) hub.emitter.emitProgress(late, progressOf(late, p));
    hub.emitter.emitError(late, 'Disk full');
    const delivered: Flat[] = [];
    for await (const event of stream) delivered.push(flat(event));
    expect(delivered.map((e) => [e.id, e.payload.status])).toEqual([
      ['8', 'processing'],
      ['9', 'failed'],
    ]);
    expect(delivered[0]?.payload).toMatchObject({ progress: 7 });
  });

  it('falls back to a missed snapshot with the exact latest state when the burst overflows the ring', async () => {
    using hub = createProgressHub(); // default ring: 256 events
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream, abort } = subscribe(hub, jobId);
    await next(stream);
    for (let i = 1; i <= 10_000; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i / 100, 'processing', i));
    expect(await next(stream)).toEqual({
      id: '10001',
      event: 'upload-progress',
      payload: progressOf(jobId, 100, 'processing', 10_000),
      snapshot: true,
      missed: true,
    });
    await expectWaiting(hub, stream, abort);
  });

  it('delivers every event in order when conflation is off', async () => {
    using hub = createProgressHub({ maxEvents: 20_000 });
    const jobId = randomUUID();
    hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    const { stream } = subscribe(hub, jobId, undefined, false);
    await next(stream);
    for (let i = 1; i <= 10_000; i++) hub.emitter.emitProgress(jobId, progressOf(jobId, i / 100, 'processing', i));
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    const ids: string[] = [];
    for await (const event of stream) ids.push(seqOf(event.id));
    expect(ids).toHaveLength(10_001);
    expect(ids.every((id, i) => id === String(i + 2))).toBe(true);
    expect(hub.metrics().eventsConflated).toBe(0);
  });
});

describe('room release', () => {
  it('releases an ended room at once with retentionMs 0 when nobody is in it', () => {
    using hub = createProgressHub({ retentionMs: 0 });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 3);
    expect(hub.metrics().roomsActive).toBe(1);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(logOf(hub).get(jobId)).toBeUndefined();
    expect(hub.metrics().roomsActive).toBe(0);
  });

  it('with retentionMs 0 keeps the room while a member still reads it, and releases it when the member leaves', async () => {
    using hub = createProgressHub({ retentionMs: 0 });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const { stream } = subscribe(hub, jobId);
    await next(stream);
    hub.emitter.emitError(jobId, 'Bad header');
    expect(hub.metrics().roomsActive).toBe(1);
    expect(await next(stream)).toMatchObject({ id: '2', event: 'upload-error' });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(hub.metrics()).toMatchObject({ roomsActive: 0, subscriptionsActive: 0, listenersActive: 0 });
  });

  it('keeps an ended room until retention has passed, then releases it', () => {
    vi.useFakeTimers();
    using hub = createProgressHub({ retentionMs: 10_000, now: () => Date.now() });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 2);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    vi.advanceTimersByTime(9_999);
    expect(logOf(hub).get(jobId)?.ended).toBe(true);
    vi.advanceTimersByTime(1);
    expect(logOf(hub).get(jobId)).toBeUndefined();
    expect(hub.metrics().roomsActive).toBe(0);
  });

  it('keeps a room past retention while a member still has to receive the end, releasing it when the member leaves', async () => {
    vi.useFakeTimers();
    using hub = createProgressHub({ retentionMs: 10_000, now: () => Date.now() });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const connection = gate();
    const stream = jobEvents(hub, jobId, { writable: connection.writable });
    await next(stream);
    connection.block();
    const pending = stream.next();
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(connection.waits).toBe(1));
    vi.advanceTimersByTime(60_000);
    expect(hub.metrics()).toMatchObject({ roomsActive: 1, subscriptionsActive: 1 });
    await stream.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(hub.metrics()).toMatchObject({ roomsActive: 0, subscriptionsActive: 0 });
  });

  it('leaves the room as soon as the terminal event is handed over, whether or not the consumer pulls again', async () => {
    using hub = createProgressHub();
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    const { stream } = subscribe(hub, jobId);
    expect(await next(stream)).toMatchObject({ event: 'upload-completed', snapshot: true });
    expect(logOf(hub).get(jobId)?.members).toBe(0);
    expect(hub.metrics()).toMatchObject({ roomsActive: 1, subscriptionsActive: 0 });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('does not release a room early when its last member leaves before retention has passed', async () => {
    vi.useFakeTimers();
    using hub = createProgressHub({ retentionMs: 10_000, now: () => Date.now() });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    const { stream } = subscribe(hub, jobId);
    await next(stream);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await take(stream, 1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    vi.advanceTimersByTime(5_000);
    expect(hub.metrics().roomsActive).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(hub.metrics().roomsActive).toBe(0);
  });

  it('releases the room even when its retention timer fires a little before the registry clock says retention passed', () => {
    // Node timers run on a monotonic clock and can fire about 1 ms "early" as measured by Date.now(), the registry's
    // default clock; the wall clock can also be stepped back. Either way the room must not stay in memory forever.
    vi.useFakeTimers();
    const clock = { now: 0 };
    using hub = createProgressHub({ retentionMs: 1_000, now: () => clock.now });
    const jobId = randomUUID();
    emitSequence(hub, jobId, 1);
    hub.emitter.emitCompletion(jobId, resultOf(jobId));
    clock.now += 999;
    vi.advanceTimersByTime(1_000); // the timer fires when the clock reads 999 ms
    clock.now += 60_000;
    vi.advanceTimersByTime(60_000); // a minute later by both clocks, nobody in the room
    expect(hub.metrics().roomsActive).toBe(0);
  });

  it('serves an ended job whose room left memory from its stored terminal event, even with retentionMs 0', async () => {
    using hub = createProgressHub({ retentionMs: 0 });
    const jobId = randomUUID();
    const stored: StoredEvent = {
      event: 'upload-completed',
      payload: resultOf(jobId),
      id: 'aBcD1234:7',
      seq: 7,
      at: Date.now() - 60_000,
    };
    expect(logOf(hub).get(jobId)).toBeUndefined();
    const stream = jobEvents(hub, jobId, { stored });
    expect(await next(stream)).toEqual({
      id: '7',
      event: 'upload-completed',
      payload: resultOf(jobId),
      snapshot: true,
    });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(hub.metrics()).toMatchObject({ roomsActive: 0, subscriptionsActive: 0, listenersActive: 0 });
  });
});

describe('no leaks', () => {
  it('returns every gauge to 0 after 1,000 subscriptions ended by return() or abort', async () => {
    using hub = createProgressHub({ retentionMs: 0 });
    const jobs = Array.from({ length: 5 }, () => randomUUID());
    for (const jobId of jobs) emitSequence(hub, jobId, 2);
    for (let i = 0; i < 1_000; i++) {
      const jobId = jobs[i % jobs.length] as string;
      const { stream, abort } = subscribe(hub, jobId, i % 7 === 0 ? '1' : undefined);
      switch (i % 5) {
        case 0: // return() after the first event, while suspended at a yield
          await next(stream);
          await stream.return();
          break;
        case 1: // abort while waiting for the next event
          await next(stream);
          {
            const pending = stream.next();
            await Promise.resolve();
            abort.abort();
            expect((await pending).done).toBe(true);
          }
          break;
        case 2: // return() before ever pulling
          await stream.return();
          break;
        case 3: // aborted before the first pull
          abort.abort();
          expect((await stream.next()).done).toBe(true);
          break;
        default: // abort while suspended at a yield, then pull until the end
          await next(stream);
          abort.abort();
          for (let n = 0; n < 20 && !(await stream.next()).done; n++);
      }
      if (i % 100 === 99) {
        hub.emitter.emitProgress(jobId, progressOf(jobId, 1 + i / 100));
        expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0 });
      }
    }
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0, roomsActive: 5 });
    for (const jobId of jobs) hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0, roomsActive: 0 });
  });

  it('releases rooms of 1,000 jobs that each had a subscriber to the end', async () => {
    using hub = createProgressHub({ retentionMs: 0 });
    for (let i = 0; i < 1_000; i++) {
      const jobId = randomUUID();
      emitSequence(hub, jobId, 1);
      const { stream } = subscribe(hub, jobId);
      await next(stream);
      hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
      hub.emitter.emitCompletion(jobId, resultOf(jobId));
      let count = 0;
      for await (const _event of stream) count++;
      expect(count).toBe(2);
    }
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0, roomsActive: 0 });
  });

  it('drops every room when the hub is disposed', () => {
    const hub = createProgressHub();
    emitSequence(hub, randomUUID(), 3);
    expect(hub.metrics().roomsActive).toBe(1);
    hub[Symbol.dispose]();
    expect(hub.metrics().roomsActive).toBe(0);
  });
});

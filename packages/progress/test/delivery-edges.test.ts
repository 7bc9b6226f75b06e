import { randomUUID } from 'node:crypto';
import type { JobStreamEvent } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import {
  createDeliveryMetrics,
  createProgressHub,
  createStoredEvent,
  DeliveryCursor,
  type JobEventsOptions,
  jobEvents,
  type ProgressHub,
  type PulledEvents,
} from '../src/index';
import { progressOf, resultOf } from '../src/testing/payloads';
import { gate } from './connection-gate';
import { idOf, logOf, seqOf } from './event-ids';

type Stream = PulledEvents;
/** A delivered event as one flat object, its id as its sequence number (one job's ids share an epoch). */
type Flat = JobStreamEvent & { id: string };

/** Starts a job and reports progress 1..count-1, so its ids run 1..count. */
function startJob(hub: ProgressHub, count: number): string {
  const jobId = randomUUID();
  hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
  for (let p = 1; p < count; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p));
  return jobId;
}

/** Subscribes, resuming after event number `lastEventId` of the job's history. */
function open(hub: ProgressHub, jobId: string, options: JobEventsOptions = {}): Stream {
  const { lastEventId } = options;
  return jobEvents(hub, jobId, { ...options, lastEventId: lastEventId && idOf(hub, jobId, lastEventId) });
}

async function drain(stream: Stream): Promise<Flat[]> {
  const events: Flat[] = [];
  for await (const event of stream) events.push({ id: seqOf(event.id), ...event.data });
  return events;
}

describe('resuming at an ended job’s terminal event while its room is in memory', () => {
  it.each([
    ['the terminal id', '6'],
    ['an id past it', '60'],
  ])(
    'ends the stream at once with nothing for %s, and leaves no member or waiter behind',
    async (_case, lastEventId) => {
      using hub = createProgressHub({ retentionMs: 0 });
      const jobId = startJob(hub, 5);
      const holder = open(hub, jobId); // keeps the ended room in memory while the resume runs
      await holder.next();
      hub.emitter.emitCompletion(jobId, resultOf(jobId)); // 6
      expect(logOf(hub).get(jobId)?.ended).toBe(true);

      expect(await drain(open(hub, jobId, { lastEventId }))).toEqual([]);
      expect(hub.metrics()).toMatchObject({ subscriptionsActive: 1, listenersActive: 0, roomsActive: 1 });
      await holder.return();
      expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0, roomsActive: 0 });
    },
  );

  it('still gives a resume one event short of the end exactly the terminal event', async () => {
    using hub = createProgressHub();
    const jobId = startJob(hub, 5);
    hub.emitter.emitError(jobId, 'Disk full'); // 6
    expect(await drain(open(hub, jobId, { lastEventId: '5' }))).toEqual([
      {
        id: '6',
        event: 'upload-error',
        payload: { jobId, templateName: 'users', status: 'failed', message: 'Disk full' },
      },
    ]);
    expect(await drain(open(hub, jobId, { lastEventId: '3' }))).toMatchObject([{ id: '4' }, { id: '5' }, { id: '6' }]);
  });

  it('marks a bare cursor done without an event, so any transport can end the stream', () => {
    using hub = createProgressHub();
    const jobId = startJob(hub, 2);
    hub.emitter.emitCompletion(jobId, resultOf(jobId)); // 3
    const room = logOf(hub).get(jobId);
    if (!room) throw new Error('no room');
    const cursor = new DeliveryCursor(room, createDeliveryMetrics(), { lastEventId: idOf(hub, jobId, '3') });
    expect(cursor.take()).toEqual([]);
    expect(cursor.done).toBe(true);
    const running = startJob(hub, 2);
    const runningRoom = logOf(hub).get(running);
    if (!runningRoom) throw new Error('no room');
    const waiting = new DeliveryCursor(runningRoom, createDeliveryMetrics(), { lastEventId: idOf(hub, running, '2') });
    expect(waiting.take()).toEqual([]);
    expect(waiting.done).toBe(false);
    expect(waiting.caughtUp).toBe(true);
  });
});

describe('exact resume under backpressure', () => {
  it('sends a resume’s events one at a time and continues exactly from the cursor after each drain', async () => {
    using hub = createProgressHub();
    const jobId = startJob(hub, 30);
    const connection = gate();
    const stream = open(hub, jobId, { lastEventId: '10', writable: connection.writable });
    const got: Flat[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await stream.next();
      if (!result.done) got.push({ id: seqOf(result.value.id), ...result.value.data });
    }
    connection.block();
    const pending = stream.next();
    await waitFor(() => expect(connection.waits).toBe(1));
    for (let p = 30; p < 40; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p)); // 31..40, after the replay
    connection.drain();
    const after = await pending;
    if (!after.done) got.push({ id: seqOf(after.value.id), ...after.value.data });
    hub.emitter.emitCompletion(jobId, resultOf(jobId)); // 41
    got.push(...(await drain(stream)));
    // 11..30 is the replay: exact despite the wait. 31..40 came while it waited: the newest of them only.
    expect(got.map((e) => e.id)).toEqual([...Array.from({ length: 20 }, (_, i) => String(11 + i)), '40', '41']);
    expect(got.some((e) => e.snapshot)).toBe(false);
  });

  it('turns replay events that leave the history while it waits into the flagged snapshot', async () => {
    using hub = createProgressHub({ maxEvents: 10 });
    const jobId = startJob(hub, 10);
    const connection = gate();
    const stream = open(hub, jobId, { lastEventId: '2', writable: connection.writable });
    const first = await stream.next();
    expect(seqOf(first.value?.id ?? '')).toBe('3');
    connection.block();
    const pending = stream.next();
    await waitFor(() => expect(connection.waits).toBe(1));
    for (let p = 10; p < 30; p++) hub.emitter.emitProgress(jobId, progressOf(jobId, p)); // 11..30: 4..20 leave
    connection.drain();
    expect(await pending).toEqual({
      done: false,
      value: {
        id: idOf(hub, jobId, '30'),
        data: { event: 'upload-progress', payload: progressOf(jobId, 29), snapshot: true, missed: true },
        at: expect.any(Number),
      },
    });
    await stream.return();
  });
});

describe('the age bound of the history', () => {
  it('is enforced when an idle room is read, not only when an event is appended', async () => {
    const clock = { now: 1_000_000 };
    using hub = createProgressHub({ maxEvents: 100, maxAgeMs: 1_000, now: () => clock.now });
    const jobId = startJob(hub, 5); // all at t=0
    const fresh = open(hub, jobId, { lastEventId: '2' });
    expect(await fresh.next()).toMatchObject({ value: { id: idOf(hub, jobId, '3') } });
    await fresh.return();

    clock.now += 1_001; // nothing appended since: every event but the newest is now too old
    const stale = open(hub, jobId, { lastEventId: '2' });
    expect(await stale.next()).toEqual({
      done: false,
      value: {
        id: idOf(hub, jobId, '5'),
        data: { event: 'upload-progress', payload: progressOf(jobId, 4), snapshot: true, missed: true },
        at: 1_000_000,
      },
    });
    await stale.return();
    const newest = open(hub, jobId, { lastEventId: '4' }); // the newest event is always kept
    expect(await newest.next()).toMatchObject({
      value: { id: idOf(hub, jobId, '5'), data: { payload: { progress: 4 } } },
    });
    await newest.return();
    expect(hub.metrics()).toMatchObject({ subscriptionsActive: 0, listenersActive: 0 });
  });
});

describe('a room that restarts in a new epoch (its log lost the history)', () => {
  it('gives a subscriber the new current state flagged missed, then the new history’s events, never an old id again', async () => {
    using hub = createProgressHub();
    const jobId = startJob(hub, 3);
    const stream = open(hub, jobId);
    expect((await stream.next()).value?.data).toMatchObject({ snapshot: true, payload: { progress: 2 } });
    const room = logOf(hub).get(jobId);
    if (!room) throw new Error('no room');
    const oldEpoch = room.epoch;
    room.restart('newEpoch');
    const at = Date.now();
    room.append(createStoredEvent({ event: 'upload-progress', payload: progressOf(jobId, 2) }, 'newEpoch', 1, at));
    room.append(createStoredEvent({ event: 'upload-progress', payload: progressOf(jobId, 3) }, 'newEpoch', 2, at));
    const restarted = (await stream.next()).value;
    expect(restarted?.id).toBe('newEpoch:2');
    expect(restarted?.data).toMatchObject({ snapshot: true, missed: true, payload: { progress: 3 } });
    room.append(createStoredEvent({ event: 'upload-completed', payload: resultOf(jobId) }, 'newEpoch', 3, at));
    const rest = await drain(stream);
    expect(rest).toMatchObject([{ id: '3', event: 'upload-completed' }]);
    expect(rest[0]).not.toHaveProperty('snapshot');
    expect(oldEpoch).not.toBe('newEpoch');
  });

  it('answers a resume from the old epoch with the current state flagged missed', async () => {
    using hub = createProgressHub();
    const jobId = startJob(hub, 4);
    const oldId = idOf(hub, jobId, '3');
    const room = logOf(hub).get(jobId);
    room?.restart('secondEp');
    room?.append(createStoredEvent({ event: 'upload-progress', payload: progressOf(jobId, 5) }, 'secondEp', 1, 0));
    const stream = jobEvents(hub, jobId, { lastEventId: oldId });
    expect((await stream.next()).value).toMatchObject({
      id: 'secondEp:1',
      data: { snapshot: true, missed: true, payload: { progress: 5 } },
    });
    await stream.return();
  });
});

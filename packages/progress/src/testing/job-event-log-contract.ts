import { randomUUID } from 'node:crypto';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { type JobEventLog, JobLifecycleError, parseEventId, Waiter } from '../index';
import { progressOf, resultOf } from './payloads';

/** A log under test, with what the suite may do to it. */
export interface LogUnderTest extends AsyncDisposable {
  log: JobEventLog;
}

/** Options the contract asks of a log: at most `maxEvents` kept per job, ended jobs forgotten at once when no one reads them. */
export const CONTRACT_LIMITS = { maxEvents: 8, retentionMs: 0 } as const;

/**
 * The contract of `JobEventLog` (see its doc comment), run against an implementation: `make` builds a fresh log
 * with `CONTRACT_LIMITS`. Every implementation passes the same suite.
 */
export function describeJobEventLog(name: string, make: () => Promise<LogUnderTest>): void {
  describe(`JobEventLog contract: ${name}`, () => {
    it('numbers a job’s events 1, 2, 3… in one epoch, and each new history in an epoch of its own', async () => {
      await using subject = await make();
      const { log } = subject;
      const a = randomUUID();
      const b = randomUUID();
      const ids = [await log.append(a, { event: 'upload-progress', payload: progressOf(a, 0, 'started') })];
      ids.push(await log.append(a, { event: 'upload-progress', payload: progressOf(a, 10) }));
      expect((await log.latest(a))?.id).toBe(ids[1]);
      ids.push(await log.append(a, { event: 'upload-completed', payload: resultOf(a) }));
      const other = await log.append(b, { event: 'upload-progress', payload: progressOf(b, 0, 'started') });
      const positions = ids.map(parseEventId);
      expect(positions.map((p) => p?.seq)).toEqual([1, 2, 3]);
      expect(new Set(positions.map((p) => p?.epoch)).size).toBe(1);
      expect(parseEventId(other)?.epoch).not.toBe(positions[0]?.epoch);
    });

    it('refuses what the lifecycle forbids, recording nothing', async () => {
      await using subject = await make();
      const { log } = subject;
      const jobId = randomUUID();
      const refused = (event: Parameters<JobEventLog['append']>[1]) =>
        expect(log.append(jobId, event)).rejects.toThrow(JobLifecycleError);
      await refused({ event: 'upload-progress', payload: progressOf(jobId, 5) });
      await refused({ event: 'upload-completed', payload: resultOf(jobId) });
      expect(await log.latest(jobId)).toBeUndefined();
      await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 0, 'started') });
      await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 50) });
      await refused({ event: 'upload-progress', payload: progressOf(jobId, 40) });
      await refused({ event: 'upload-progress', payload: progressOf(jobId, 60, 'started') });
      const room = await log.open(jobId); // holds the ended job, so the refusal is about its end
      const end = await log.append(jobId, { event: 'upload-completed', payload: resultOf(jobId) });
      expect(parseEventId(end)?.seq).toBe(3);
      await refused({ event: 'upload-progress', payload: progressOf(jobId, 100) });
      expect((await log.latest(jobId))?.id).toBe(end);
      if (room) log.close(room);
    });

    it('records one job’s appends in the order they were called, without awaiting each, the one made from its state too', async () => {
      await using subject = await make();
      const { log } = subject;
      const jobId = randomUUID();
      const appends = [log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 0, 'started') })];
      await appends[0];
      const room = await log.open(jobId);
      for (let p = 1; p <= 30; p++)
        appends.push(log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, p) }));
      const failed = log.append(jobId, (latest) => ({
        event: 'upload-error',
        payload: { jobId, templateName: latest.payload.templateName, status: 'failed', message: 'Disk full' },
      }));
      appends.push(failed);
      const ids = await Promise.all(appends);
      await waitFor(() => expect(room?.latest?.payload).toMatchObject({ templateName: 'users', message: 'Disk full' }));
      if (room) log.close(room);
      expect(ids.map((id) => parseEventId(id)?.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    });

    it('opens a job’s room with its current state, then delivers every appended event to it and wakes its waiters', async () => {
      await using subject = await make();
      const { log } = subject;
      const jobId = randomUUID();
      const first = await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 0, 'started') });
      const room = await log.open(jobId);
      if (!room) throw new Error('no room');
      expect(room.latest?.id).toBe(first);
      let woken = 0;
      room.addWaiter(new Waiter(() => woken++));
      const second = await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 30) });
      await waitFor(() => expect(room.latest?.id).toBe(second));
      expect(woken).toBe(1);
      expect(room.eventsAfter(parseEventId(first)?.seq ?? 0)?.map((e) => e.id)).toEqual([second]);
      log.close(room);
      expect(await log.open(randomUUID())).toBeUndefined();
    });

    it('keeps at most maxEvents of a job’s history, always its newest', async () => {
      await using subject = await make();
      const { log } = subject;
      const jobId = randomUUID();
      await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 0, 'started') });
      for (let p = 1; p <= 20; p++)
        await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, p) });
      const room = await log.open(jobId);
      if (!room) throw new Error('no room');
      expect(room.eventsAfter(20)?.map((e) => e.seq)).toEqual([21]);
      expect(room.eventsAfter(21 - CONTRACT_LIMITS.maxEvents)?.map((e) => e.seq)).toHaveLength(
        CONTRACT_LIMITS.maxEvents,
      );
      expect(room.eventsAfter(20 - CONTRACT_LIMITS.maxEvents)).toBeUndefined();
      log.close(room);
    });

    it('keeps an ended job’s room while it is open, and forgets the job once its retention has passed and it is closed', async () => {
      await using subject = await make();
      const { log } = subject;
      const jobId = randomUUID();
      await log.append(jobId, { event: 'upload-progress', payload: progressOf(jobId, 0, 'started') });
      const room = await log.open(jobId);
      if (!room) throw new Error('no room');
      await log.append(jobId, { event: 'upload-completed', payload: resultOf(jobId) });
      await waitFor(() => expect(room.ended).toBe(true));
      const again = await log.open(jobId);
      expect(again?.ended).toBe(true);
      log.close(room);
      if (again) log.close(again);
      await waitFor(async () => expect(await log.open(jobId)).toBeUndefined());
      expect(log.metrics()).toMatchObject({ roomsActive: 0, listenersActive: 0 });
    });
  });
}

import type { JobEvent } from '@jobstream/contracts';
import { newEpoch } from './event-id';
import type { JobEventLog, NextEvent } from './job-event-log';
import { type HistoryLimits, JobRoom } from './job-room';
import { resolveNext, validateTransition } from './lifecycle';
import type { LogMetrics } from './metrics';
import { RetentionQueue } from './retention-queue';
import { createStoredEvent, type StoredEvent } from './stored-event';

/** Options of an in-memory log; every field has a default. */
export interface InMemoryLogOptions extends Partial<HistoryLimits> {
  /** How long an ended job's room stays in memory for late subscribers, in ms (default 10 minutes). */
  retentionMs?: number;
  /** Clock of event times, for the history's age limit (tests move it by hand). */
  now?: () => number;
}

/** Default bounds of a log's history and retention. */
export const LOG_DEFAULTS = {
  maxEvents: 256,
  maxAgeMs: 5 * 60_000,
  retentionMs: 10 * 60_000,
} as const;

/**
 * The event log of one process, the default: each job's room lives in memory from its `started` event until its
 * retention has passed after its end and nobody reads it. `append` records the event and wakes the job's
 * subscribers before it returns its (already settled) promise. A job's history begins with a new epoch at its `started` event; a job whose room
 * has been released is forgotten (its terminal event is the store's to serve), and an event for it must be a new
 * `started`, beginning a new epoch.
 */
export class InMemoryJobEventLog implements JobEventLog {
  readonly now: () => number;
  private eventsEmitted = 0;
  private readonly rooms = new Map<string, JobRoom>();
  /** Ended rooms waiting for their retention to pass. */
  private readonly retention: RetentionQueue<JobRoom>;
  private readonly limits: HistoryLimits;

  constructor(options: InMemoryLogOptions = {}) {
    this.limits = {
      maxEvents: options.maxEvents ?? LOG_DEFAULTS.maxEvents,
      maxAgeMs: options.maxAgeMs ?? LOG_DEFAULTS.maxAgeMs,
    };
    this.retention = new RetentionQueue(options.retentionMs ?? LOG_DEFAULTS.retentionMs, (room) => this.expire(room));
    this.now = options.now ?? Date.now;
  }

  async append(jobId: string, next: JobEvent | NextEvent): Promise<string> {
    let room = this.rooms.get(jobId);
    const event = validateTransition(jobId, room?.latest, resolveNext(jobId, room?.latest, next));
    if (!room) {
      room = new JobRoom(jobId, newEpoch(), this.limits, this.now);
      this.rooms.set(jobId, room);
    }
    const stored = createStoredEvent(event, room.epoch, room.seq + 1, this.now());
    room.append(stored);
    this.eventsEmitted++;
    if (room.ended) this.retention.add(room);
    return stored.id;
  }

  async latest(jobId: string): Promise<StoredEvent | undefined> {
    return this.rooms.get(jobId)?.latest;
  }

  async open(jobId: string): Promise<JobRoom | undefined> {
    return this.join(jobId);
  }

  /** `open`, at once: the room of a job in memory, with one more member. */
  join(jobId: string): JobRoom | undefined {
    const room = this.rooms.get(jobId);
    if (room) room.members++;
    return room;
  }

  close(room: JobRoom): void {
    room.members--;
    this.releaseIfDone(room);
  }

  /** The room of a job in memory, without joining it (for tests and diagnostics). */
  get(jobId: string): JobRoom | undefined {
    return this.rooms.get(jobId);
  }

  metrics(): LogMetrics {
    let listenersActive = 0;
    for (const room of this.rooms.values()) listenersActive += room.listenerCount;
    return { roomsActive: this.rooms.size, listenersActive, eventsEmitted: this.eventsEmitted };
  }

  /** Drops every room and its retention timer. */
  [Symbol.dispose](): void {
    this.retention[Symbol.dispose]();
    this.rooms.clear();
  }

  private expire(room: JobRoom): void {
    room.expired = true;
    this.releaseIfDone(room);
  }

  private releaseIfDone(room: JobRoom): void {
    if (room.expired && room.members === 0) this.rooms.delete(room.jobId);
  }
}

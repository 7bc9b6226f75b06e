import type { BusMessage, ProgressBus } from './bus';
import { type HistoryLimits, JobRoom } from './job-room';
import { createMetrics, type ProgressMetrics } from './metrics';
import { RetentionQueue } from './retention-queue';

/** Options of a room registry; every field has a default. */
export interface RoomRegistryOptions extends Partial<HistoryLimits> {
  /** How long an ended job's room stays in memory for late subscribers, in ms (default 10 minutes). */
  retentionMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** Default bounds of the progress layer. */
export const REGISTRY_DEFAULTS = {
  maxEvents: 256,
  maxAgeMs: 5 * 60_000,
  retentionMs: 10 * 60_000,
} as const;

/** One room per job: records every event from the bus and releases a room once its job ended, retention passed and nobody is in it. */
export class RoomRegistry implements Disposable {
  readonly counters = createMetrics();
  readonly now: () => number;
  private readonly rooms = new Map<string, JobRoom>();
  /** Ended rooms waiting for their retention to pass. */
  private readonly retention: RetentionQueue<JobRoom>;
  private readonly limits: HistoryLimits;
  private readonly unsubscribe: () => void;

  constructor(bus: ProgressBus, options: RoomRegistryOptions = {}) {
    this.limits = {
      maxEvents: options.maxEvents ?? REGISTRY_DEFAULTS.maxEvents,
      maxAgeMs: options.maxAgeMs ?? REGISTRY_DEFAULTS.maxAgeMs,
    };
    const retentionMs = options.retentionMs ?? REGISTRY_DEFAULTS.retentionMs;
    this.retention = new RetentionQueue(retentionMs, (room) => this.expire(room));
    this.now = options.now ?? Date.now;
    this.unsubscribe = bus.subscribe((message) => this.record(message));
  }

  /** The room of a job this registry knows, if any. */
  get(jobId: string): JobRoom | undefined {
    return this.rooms.get(jobId);
  }

  /** Adds a member to a known job's room; undefined for an unknown job. */
  join(jobId: string): JobRoom | undefined {
    const room = this.rooms.get(jobId);
    if (room) {
      room.members++;
      this.counters.subscriptionsActive++;
    }
    return room;
  }

  /** Removes a member, releasing the room if it is no longer needed. */
  leave(room: JobRoom): void {
    room.members--;
    this.counters.subscriptionsActive--;
    this.releaseIfDone(room);
  }

  /** Gauges and counters, for `/metrics` and leak checks. */
  metrics(): ProgressMetrics {
    let listenersActive = 0;
    for (const room of this.rooms.values()) listenersActive += room.listenerCount;
    return { ...this.counters, roomsActive: this.rooms.size, listenersActive };
  }

  /** Stops listening to the bus and drops every room. */
  [Symbol.dispose](): void {
    this.unsubscribe();
    this.retention[Symbol.dispose]();
    this.rooms.clear();
  }

  private record({ jobId, event }: BusMessage): void {
    let room = this.rooms.get(jobId);
    if (!room) {
      room = new JobRoom(jobId, this.limits, this.now);
      this.rooms.set(jobId, room);
    }
    room.append(event);
    this.counters.eventsEmitted++;
    if (room.ended) this.retention.add(room);
  }

  private expire(room: JobRoom): void {
    room.expired = true;
    this.releaseIfDone(room);
  }

  private releaseIfDone(room: JobRoom): void {
    if (room.expired && room.members === 0) this.rooms.delete(room.jobId);
  }
}

import type { JobEvent } from '@jobstream/contracts';
import {
  createStoredEvent,
  EventLogUnavailableError,
  type HistoryLimits,
  isTerminalEvent,
  type JobEventLog,
  JobLifecycleError,
  JobRoom,
  LOG_DEFAULTS,
  type LogMetrics,
  type NextEvent,
  newEpoch,
  resolveNext,
  type StoredEvent,
  validateTransition,
} from '@jobstream/progress';
import { ErrorReply } from '@redis/client';
import { AppendScript } from './append-script';
import { decodeEvent, encodeEvent, type Notification, parseNotification, seqOfEntry } from './event-codec';
import { type JobKeys, jobIdOfChannel, jobKeys } from './job-keys';
import type { RedisConnection } from './redis-connection';

/** Options of the Redis log; every bound has a default. */
export interface RedisLogOptions extends Partial<HistoryLimits> {
  /** The connection appends and reads go through. */
  client: RedisConnection;
  /** A connection of its own for pub/sub: it holds one subscription per job this process has subscribers of. */
  subscriber: RedisConnection;
  /** Prefix of every key and channel (default `jobstream:`), to share a Redis with other data. */
  prefix?: string;
  /** How long an ended job's events stay in Redis for late subscribers, in ms (default 10 minutes). */
  retentionMs?: number;
  /** How long a running job's events stay in Redis after its last event, in ms (default 24 hours). */
  runningTtlMs?: number;
  /** Wait before retrying a room's catch-up read that failed (Redis away), in ms (default 500). */
  retryMs?: number;
  /** Called when a room could not catch up (it retries by itself). */
  onError?: (jobId: string, error: unknown) => void;
  /** Clock of event times, for the history's age limit. */
  now?: () => number;
}

/** What this process knows of a job it appends to: the history's epoch, its newest event and that event's number. */
interface WriterState {
  epoch: string;
  seq: number;
  latest: StoredEvent;
}

/**
 * A job this process has subscribers of: its room, kept current from the job's channel and stream. Its stream and
 * meta key names are made again for each read rather than kept (two strings of ~80 B per job), as reads are rare.
 */
interface Watched {
  room: JobRoom;
  /** The job's channel, the same string the subscriber connection holds it under. */
  channel: string;
  members: number;
  /** Resolves once the channel is subscribed and the room has caught up the first time. */
  ready: Promise<void>;
  /** A catch-up read is running: notifications wait in `pending`. */
  syncing: boolean;
  /** Read again once the current read ends (a gap, an epoch change, a reconnect). */
  syncWanted: boolean;
  /** Notifications that arrived during the current read; made by the first of them, as most reads have none. */
  pending: Notification[] | undefined;
  retry: NodeJS.Timeout | undefined;
}

/** Attempts at an append whose view of the job another writer changed meanwhile. */
const MAX_CONFLICTS = 3;

/**
 * The event log shared by every instance: each job's newest events in a Redis stream (a ring of `maxEvents`),
 * its epoch and newest sequence number in a hash beside it, and each appended event published on the job's
 * channel.
 *
 * Appending runs one script (`append-script.ts`) that adds the event only if this writer's view of the job is
 * current, so a stale or duplicated writer is refused; a process's appends to one job run one after another, in
 * call order. A job whose history Redis lost (a restart without persistence, a failover) continues in a new epoch
 * from the writer's newest event.
 *
 * Reading: each job this process has subscribers of has a `JobRoom` here, fed by one channel subscription on the
 * subscriber connection. The channel is subscribed before the stream is read, and what arrives during a read waits
 * and is then dropped by sequence number if the read had it. A gap in the notifications, an epoch that changed, or
 * a reconnect of the subscriber connection is filled by reading the stream again; a gap the ring no longer covers
 * gives subscribers the current state flagged `missed`. The subscription goes with the room's last member.
 */
export class RedisJobEventLog implements JobEventLog {
  private readonly client: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly script: AppendScript;
  private readonly prefix: string;
  private readonly limits: HistoryLimits;
  private readonly retentionMs: number;
  private readonly runningTtlMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private readonly writers = new Map<string, WriterState>();
  /**
   * Jobs this process ended, with their terminal event, until their retention passes (in the order they ended):
   * what it appended stays readable here, and refused after, even if Redis has already let the job go.
   */
  private readonly ended = new Map<string, { state: WriterState; until: number }>();
  /** Each job's last pending append, so the next one starts after it. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly rooms = new Map<string, Watched>();
  private eventsEmitted = 0;
  /**
   * The listener of every job channel: one function that finds the room by the channel's job id, rather than a
   * closure and its context per job (~104 B each).
   */
  private readonly onMessage = (message: string, channel: string) => {
    const watched = this.rooms.get(jobIdOfChannel(this.prefix, channel));
    if (watched) this.onNotification(watched, message);
  };
  /** After a reconnect: drop channels no room watches any more (their unsubscribe failed), catch every room up. */
  private readonly onReconnect = () => {
    const watchedChannels = new Set([...this.rooms.values()].map((watched) => watched.channel));
    for (const channel of this.ownChannels()) {
      if (!watchedChannels.has(channel)) void this.subscriber.unsubscribe(channel).catch(() => {});
    }
    for (const watched of this.rooms.values()) this.requestSync(watched);
  };

  constructor(private readonly options: RedisLogOptions) {
    this.client = options.client;
    this.subscriber = options.subscriber;
    this.script = new AppendScript(options.client);
    this.prefix = options.prefix ?? 'jobstream:';
    this.limits = {
      maxEvents: options.maxEvents ?? LOG_DEFAULTS.maxEvents,
      maxAgeMs: options.maxAgeMs ?? LOG_DEFAULTS.maxAgeMs,
    };
    this.retentionMs = options.retentionMs ?? LOG_DEFAULTS.retentionMs;
    this.runningTtlMs = options.runningTtlMs ?? 24 * 60 * 60_000;
    this.retryMs = options.retryMs ?? 500;
    this.now = options.now ?? Date.now;
    // After a reconnect the connection has re-subscribed every channel before `ready`; what was published while it
    // was away is in the streams.
    this.subscriber.on('ready', this.onReconnect);
  }

  append(jobId: string, next: JobEvent | NextEvent): Promise<string> {
    const previous = this.queues.get(jobId);
    const run = () => this.appendNow(jobId, next).catch(asLogError);
    const appended = previous ? previous.then(run) : run();
    const settled = appended.catch(() => {});
    this.queues.set(jobId, settled);
    void settled.then(() => {
      if (this.queues.get(jobId) === settled) this.queues.delete(jobId);
    });
    return appended;
  }

  async latest(jobId: string): Promise<StoredEvent | undefined> {
    const known = this.written(jobId) ?? this.rooms.get(jobId)?.room.latest;
    return known ?? (await this.readState(jobKeys(this.prefix, jobId)).catch(asLogError))?.latest;
  }

  async open(jobId: string): Promise<JobRoom | undefined> {
    const watched = this.rooms.get(jobId) ?? this.watch(jobId);
    watched.members++;
    try {
      await watched.ready;
    } catch (error) {
      this.close(watched.room);
      asLogError(error);
    }
    if (watched.room.latest) return watched.room;
    this.close(watched.room);
    return undefined;
  }

  close(room: JobRoom): void {
    const watched = this.rooms.get(room.jobId);
    if (watched?.room !== room) return;
    watched.members--;
    if (watched.members > 0) return;
    this.rooms.delete(room.jobId);
    clearTimeout(watched.retry);
    // After the subscribe has been answered, and only if no new room of the job has joined the shared listener on the
    // channel meanwhile; an unsubscribe that fails (Redis away) is retried at the next reconnect.
    void watched.ready
      .catch(() => {})
      .then(async () => {
        if (!this.rooms.has(room.jobId)) await this.subscriber.unsubscribe(watched.channel, this.onMessage);
      })
      .catch(() => {});
  }

  metrics(): LogMetrics {
    let listenersActive = 0;
    for (const { room } of this.rooms.values()) listenersActive += room.listenerCount;
    return { roomsActive: this.rooms.size, listenersActive, eventsEmitted: this.eventsEmitted };
  }

  /** Channel subscriptions the subscriber connection holds or will restore (one per job with subscribers here). */
  get subscriptions(): number {
    return this.ownChannels().length;
  }

  /** Drops every room and its subscription; the connections stay the caller's to close. */
  [Symbol.dispose](): void {
    this.subscriber.off('ready', this.onReconnect);
    for (const watched of [...this.rooms.values()]) {
      watched.members = 1;
      this.close(watched.room);
    }
  }

  private async appendNow(jobId: string, next: JobEvent | NextEvent): Promise<string> {
    const keys = jobKeys(this.prefix, jobId);
    const isStart = typeof next !== 'function' && next.event === 'upload-progress' && next.payload.status === 'started';
    let state: { epoch: string; seq: number; latest: StoredEvent | undefined } | undefined =
      this.writers.get(jobId) ?? this.endedHere(jobId);
    if (!state && !isStart) state = await this.readState(keys);
    /** The newest event this writer knew and Redis lost: written again first, in a new epoch. */
    let reseed: StoredEvent | undefined;
    /** Redis is behind what this writer wrote: the history starts over rather than reuse the lost events' ids. */
    let restart = false;
    for (let attempt = 0; ; attempt++) {
      const event = validateTransition(jobId, state?.latest, resolveNext(jobId, state?.latest, next));
      const at = this.now();
      const fields = [encodeEvent(event, at)];
      if (reseed) fields.unshift(encodeEvent(reseed, reseed.at));
      const outcome = await this.script.run({
        keys,
        expectedEpoch: state?.epoch ?? '',
        expectedSeq: state?.seq ?? 0,
        newEpoch: newEpoch(),
        maxEvents: this.limits.maxEvents,
        runningTtlMs: this.runningTtlMs,
        endedTtlMs: this.retentionMs,
        ended: isTerminalEvent(event),
        restart,
        fields,
      });
      if (outcome.status === 'ok') {
        const stored = createStoredEvent(event, outcome.epoch, outcome.seq, at);
        const written = { epoch: outcome.epoch, seq: outcome.seq, latest: stored };
        if (isTerminalEvent(event)) {
          this.writers.delete(jobId);
          this.ended.set(jobId, { state: written, until: this.now() + this.retentionMs });
        } else {
          this.writers.set(jobId, written);
        }
        this.eventsEmitted++;
        return stored.id;
      }
      if (outcome.status === 'lost' && state?.latest) {
        // Redis no longer has the job (it restarted empty, or failed over): its history continues in a new epoch,
        // from the newest event this writer knows.
        reseed = state.latest;
        state = { epoch: '', seq: 0, latest: state.latest };
        continue;
      }
      if (outcome.status === 'conflict' && state?.latest && outcome.epoch === state.epoch && outcome.seq < state.seq) {
        // Redis lost this writer's newest events (a failover to a replica that had not received them): the ids they
        // had must not go to other events, so the history starts over in a new epoch, from the newest it knows.
        reseed = state.latest;
        restart = true;
        state = { epoch: outcome.epoch, seq: outcome.seq, latest: state.latest };
        continue;
      }
      if (attempt >= MAX_CONFLICTS) {
        throw new Error(`job ${jobId}: the event log changed under ${MAX_CONFLICTS} appends in a row`);
      }
      // Another writer appended (or this one's view was stale): validate again against the job as Redis has it.
      this.writers.delete(jobId);
      reseed = undefined;
      restart = false;
      state = await this.readState(keys);
    }
  }

  /** The newest event this process appended to a job, while it runs or within its retention after its end. */
  private written(jobId: string): StoredEvent | undefined {
    return (this.writers.get(jobId) ?? this.endedHere(jobId))?.latest;
  }

  /** A job this process ended, within its retention; forgets the jobs whose retention has passed. */
  private endedHere(jobId: string): WriterState | undefined {
    const now = this.now();
    for (const [id, { until }] of this.ended) {
      if (until > now) break;
      this.ended.delete(id);
    }
    return this.ended.get(jobId)?.state;
  }

  /** The job as Redis has it: epoch, newest sequence number and newest event; undefined when Redis holds no history. */
  private async readState(keys: JobKeys): Promise<WriterState | undefined> {
    const [meta, newest] = (await this.client
      .multi()
      .hGetAll(keys.meta)
      .xRevRange(keys.events, '+', '-', { COUNT: 1 })
      .exec()) as unknown as [Record<string, string>, Array<{ id: string; message: Record<string, string> }>];
    const entry = newest[0];
    if (!meta.epoch || !entry) return undefined;
    const seq = seqOfEntry(entry.id);
    return { epoch: meta.epoch, seq, latest: decodeEvent(keys.jobId, entry.message.e as string, meta.epoch, seq) };
  }

  /** Starts watching a job: a room, its channel subscribed, then its stream read. */
  private watch(jobId: string): Watched {
    const watched: Watched = {
      room: new JobRoom(jobId, '', this.limits, this.now),
      channel: jobKeys(this.prefix, jobId).channel,
      members: 0,
      ready: Promise.resolve(),
      syncing: true,
      syncWanted: true,
      pending: undefined,
      retry: undefined,
    };
    this.rooms.set(jobId, watched);
    watched.ready = this.subscriber.subscribe(watched.channel, this.onMessage).then(() => this.syncLoop(watched));
    return watched;
  }

  /** The job channels the subscriber connection holds (it may hold others, such as the coordinator's). */
  private ownChannels(): string[] {
    const channels = [...this.subscriber.getPubSubListeners('CHANNELS').keys()];
    const jobChannel = `${this.prefix}job:`;
    return channels.filter((channel) => channel.startsWith(jobChannel));
  }

  private onNotification(watched: Watched, message: string): void {
    const notification = parseNotification(message);
    if (!notification) return;
    if (watched.syncing) {
      // Bounded: past a ring's worth, the read that follows brings them anyway.
      watched.pending ??= [];
      if (watched.pending.length < this.limits.maxEvents) watched.pending.push(notification);
      else watched.syncWanted = true;
      return;
    }
    this.apply(watched, notification);
    if (watched.syncWanted) this.requestSync(watched);
  }

  /** Appends a notified event that follows the room's newest; asks for a read when it does not. */
  private apply(watched: Watched, { epoch, seq, field }: Notification): void {
    const { room } = watched;
    if (epoch !== room.epoch || seq > room.seq + 1) {
      watched.syncWanted = true;
      return;
    }
    if (seq <= room.seq) return;
    room.append(decodeEvent(room.jobId, field, epoch, seq));
  }

  private requestSync(watched: Watched): void {
    watched.syncWanted = true;
    if (watched.syncing || this.rooms.get(watched.room.jobId) !== watched) return;
    watched.syncing = true;
    this.syncLoop(watched).catch((error: unknown) => {
      this.options.onError?.(watched.room.jobId, error);
      clearTimeout(watched.retry);
      watched.retry = setTimeout(() => this.requestSync(watched), this.retryMs);
      watched.retry.unref();
    });
  }

  /** Reads the stream into the room until nothing asks for another read; `syncing` is set by the caller. */
  private async syncLoop(watched: Watched): Promise<void> {
    try {
      while (watched.syncWanted && this.rooms.get(watched.room.jobId) === watched) {
        watched.syncWanted = false;
        await this.catchUp(watched);
        const pending = watched.pending;
        watched.pending = undefined;
        for (const notification of pending ?? []) this.apply(watched, notification);
      }
    } catch (error) {
      watched.syncWanted = true;
      throw error;
    } finally {
      watched.syncing = false;
    }
  }

  /** Brings the room up to the stream: the events after its newest, or a new history when the epoch changed. */
  private async catchUp(watched: Watched): Promise<void> {
    const { room } = watched;
    const keys = jobKeys(this.prefix, room.jobId);
    const from = room.seq > 0 ? `(${room.seq}-0` : '-';
    const [meta, entries] = (await this.client
      .multi()
      .hGetAll(keys.meta)
      .xRange(keys.events, from, '+')
      .exec()) as unknown as [Record<string, string>, Array<{ id: string; message: Record<string, string> }>];
    const epoch = meta.epoch;
    // Redis holds no history of the job (never had one, or lost it and no writer has come back yet).
    if (!epoch) return;
    let events = entries;
    if (epoch !== room.epoch) {
      if (from !== '-') events = (await this.client.xRange(keys.events, '-', '+')) ?? [];
      room.restart(epoch);
    } else if (events.length > 0 && seqOfEntry((events[0] as { id: string }).id) > room.seq + 1) {
      // The ring has moved past the room's newest event: start over in the same epoch, so subscribers behind get
      // the current state flagged missed.
      room.restart(epoch);
    }
    for (const entry of events) {
      const seq = seqOfEntry(entry.id);
      if (seq > room.seq) room.append(decodeEvent(room.jobId, entry.message.e as string, epoch, seq));
    }
  }
}

/**
 * Rethrows an error of a Redis call as the log's: Redis answering with an error is a bug and passes unchanged, as
 * does a refused event; anything else (no connection, a timeout) is `EventLogUnavailableError`.
 */
function asLogError(error: unknown): never {
  if (error instanceof JobLifecycleError || error instanceof ErrorReply) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw new EventLogUnavailableError(`The event log (Redis) is unavailable: ${reason}`, { cause: error });
}

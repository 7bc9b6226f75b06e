import { EventEmitter } from 'node:events';
import type { StoredEvent } from './stored-event';

/** A numbered event of one job, as it travels between the emitter and the room registries. */
export interface BusMessage {
  jobId: string;
  event: StoredEvent;
}

/**
 * Carries emitted events to every room registry. The in-memory bus serves one process; a shared bus
 * (Redis, say) implements the same two methods, delivering to local subscribers synchronously on publish.
 */
export interface ProgressBus {
  /** Sends a message to every subscribed registry. */
  publish(message: BusMessage): void;
  /** Registers a receiver of every message; returns its removal. */
  subscribe(handler: (message: BusMessage) => void): () => void;
}

/** The default bus: one process, one EventEmitter, synchronous delivery. */
export class InMemoryBus implements ProgressBus {
  private readonly emitter = new EventEmitter();

  publish(message: BusMessage): void {
    this.emitter.emit('message', message);
  }

  subscribe(handler: (message: BusMessage) => void): () => void {
    this.emitter.on('message', handler);
    return () => this.emitter.off('message', handler);
  }

  /** Registered receivers, for leak checks. */
  get handlerCount(): number {
    return this.emitter.listenerCount('message');
  }
}

import type { StoredEvent } from './stored-event';

/** Events per chunk of a ring's storage. */
const CHUNK_SLOTS = 8;

type Chunk = (StoredEvent | undefined)[];

/** Rings made so far, to stagger where each starts in its first chunk. */
let ringsMade = 0;

/**
 * A room's recent events, oldest first, up to `capacity`, stored in chunks of 8: appending and trimming cost
 * O(1), a room with few events holds a few slots, and growing never copies the history (a busy room adds one
 * small chunk now and then instead of doubling one big array, and reuses the chunk that trimming emptied).
 */
export class EventRing {
  readonly capacity: number;
  private readonly chunkSlots: number;
  /** Oldest first. */
  private chunks: Chunk[] = [];
  /** The oldest event's slot in `chunks[0]`. */
  private start = 0;
  private count = 0;
  /** A chunk emptied by trimming, kept for the next one needed. */
  private spare: Chunk | undefined;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.chunkSlots = Math.min(CHUNK_SLOTS, this.capacity);
    // Staggered starts: rooms fed in step (a batch of jobs reporting at one rate) do not all add a chunk in the
    // same moment, which would hand one young-generation collection every new chunk at once.
    this.start = ringsMade++ % this.chunkSlots;
  }

  get size(): number {
    return this.count;
  }

  /** The oldest event kept. */
  get oldest(): StoredEvent | undefined {
    return this.count === 0 ? undefined : this.chunks[0]?.[this.start];
  }

  /** Adds the newest event, dropping the oldest when `capacity` events are kept. */
  push(event: StoredEvent): void {
    if (this.count === this.capacity) this.shift();
    const position = this.start + this.count;
    const index = Math.floor(position / this.chunkSlots);
    const slot = position - index * this.chunkSlots;
    const chunk = this.chunks[index] ?? this.addChunk();
    chunk[slot] = event;
    this.count++;
  }

  /** Drops the oldest event. */
  shift(): void {
    const chunk = this.chunks[0];
    if (this.count === 0 || !chunk) return;
    chunk[this.start] = undefined;
    this.start++;
    this.count--;
    if (this.start === this.chunkSlots) {
      this.chunks.shift();
      this.spare ??= chunk;
      this.start = 0;
    } else if (this.count === 0) {
      this.start = 0;
    }
  }

  /** The kept event with sequence number `seq` (kept events have consecutive numbers), if any. */
  get(seq: number): StoredEvent | undefined {
    const position = this.positionOf(seq);
    return position === undefined ? undefined : this.at(position);
  }

  /** The events from position `start` (0 = oldest) to the newest. */
  from(start: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (let i = Math.max(0, start); i < this.count; i++) events.push(this.at(i));
    return events;
  }

  /** Position (0 = oldest) of the kept event numbered `seq`, if kept. */
  private positionOf(seq: number): number | undefined {
    const oldest = this.oldest;
    if (!oldest) return undefined;
    const position = seq - oldest.seq;
    return position >= 0 && position < this.count ? position : undefined;
  }

  private at(position: number): StoredEvent {
    const absolute = this.start + position;
    const chunk = this.chunks[Math.floor(absolute / this.chunkSlots)] as Chunk;
    return chunk[absolute % this.chunkSlots] as StoredEvent;
  }

  private addChunk(): Chunk {
    const chunk = this.spare ?? new Array(this.chunkSlots).fill(undefined);
    this.spare = undefined;
    // The first chunk goes in an exact one-slot list: `push` onto an empty array reserves 17 slots (~150 B), and most
    // rooms (a job's few events, or an idle one) never need a second chunk.
    if (this.chunks.length === 0) this.chunks = [chunk];
    else this.chunks.push(chunk);
    return chunk;
  }
}

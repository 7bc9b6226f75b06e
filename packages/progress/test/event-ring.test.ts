import { describe, expect, it } from 'vitest';
import { EventRing } from '../src/event-ring';
import type { StoredEvent } from '../src/stored-event';

function event(seq: number): StoredEvent {
  return { seq, at: seq } as StoredEvent;
}

function seqs(ring: EventRing, start = 0): number[] {
  return ring.from(start).map((e) => e.seq);
}

describe('EventRing', () => {
  it('keeps the newest `capacity` events in order while it grows and wraps', () => {
    const ring = new EventRing(10);
    for (let seq = 1; seq <= 7; seq++) ring.push(event(seq));
    expect(seqs(ring)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (let seq = 8; seq <= 23; seq++) ring.push(event(seq));
    expect(ring.size).toBe(10);
    expect(ring.oldest?.seq).toBe(14);
    expect(seqs(ring)).toEqual([14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(seqs(ring, 7)).toEqual([21, 22, 23]);
    expect(seqs(ring, 10)).toEqual([]);
  });

  it('drops the oldest on shift, and grows again after wrapping', () => {
    const ring = new EventRing(6);
    for (let seq = 1; seq <= 4; seq++) ring.push(event(seq));
    ring.shift();
    ring.shift();
    for (let seq = 5; seq <= 8; seq++) ring.push(event(seq));
    expect(seqs(ring)).toEqual([3, 4, 5, 6, 7, 8]);
    ring.push(event(9));
    expect(seqs(ring)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('empties, and keeps at least one event for a capacity below one', () => {
    const ring = new EventRing(0);
    ring.push(event(1));
    ring.push(event(2));
    expect(seqs(ring)).toEqual([2]);
    ring.shift();
    ring.shift();
    expect(ring.size).toBe(0);
    expect(ring.oldest).toBeUndefined();
  });

  it('finds an event by sequence number across growth and wrapping', () => {
    const ring = new EventRing(4);
    for (let seq = 1; seq <= 7; seq++) ring.push(event(seq)); // grows to 4, then wraps: keeps 4..7
    expect([3, 4, 7, 8].map((seq) => ring.get(seq)?.seq)).toEqual([undefined, 4, 7, undefined]);
    ring.shift();
    ring.shift(); // 4 and 5 leave
    ring.push(event(8));
    expect([5, 6, 8].map((seq) => ring.get(seq)?.seq)).toEqual([undefined, 6, 8]);
  });
});

describe('EventRing against a plain array', () => {
  it('agrees on every read after random pushes and shifts, for capacities around its chunk size', () => {
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const disagreements: string[] = [];
    for (const capacity of [1, 2, 5, 15, 16, 17, 33, 100, 256]) {
      const ring = new EventRing(capacity);
      const model: StoredEvent[] = [];
      let seq = 0;
      for (let step = 0; step < 3_000; step++) {
        if (random() < 0.8) {
          const next = event(++seq);
          ring.push(next);
          model.push(next);
          if (model.length > capacity) model.shift();
        } else {
          ring.shift();
          model.shift();
        }
        const probe = seq + 1 - Math.floor(random() * (capacity + 3));
        const expected = model[probe - (model[0]?.seq ?? 0)];
        if (ring.size !== model.length || ring.oldest !== model[0] || ring.get(probe) !== expected) {
          disagreements.push(`capacity ${capacity}, step ${step}, probe ${probe}`);
        }
      }
      expect(ring.from(0)).toEqual(model);
      expect(seqs(ring, 1)).toEqual(model.slice(1).map((e) => e.seq));
    }
    expect(disagreements).toEqual([]);
  });
});

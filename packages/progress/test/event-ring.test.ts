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

  it('finds an event by sequence number and keeps one delivered form per kept event, across growth and wrapping', () => {
    const ring = new EventRing(4);
    const events = Array.from({ length: 7 }, (_, i) => ({ ...event(i + 1), event: 'upload-progress' }) as StoredEvent);
    for (const e of events.slice(0, 2)) ring.push(e);
    const second = ring.delivered(events[1] as StoredEvent);
    expect(second).toMatchObject({ id: '2' });
    for (const e of events.slice(2)) ring.push(e); // grows to 4, then wraps: keeps 4..7
    expect([3, 4, 7, 8].map((seq) => ring.get(seq)?.seq)).toEqual([undefined, 4, 7, undefined]);
    expect(ring.delivered(events[1] as StoredEvent)).toBeUndefined();
    const fifth = ring.delivered(events[4] as StoredEvent);
    expect(ring.delivered(events[4] as StoredEvent)).toBe(fifth);
    expect(ring.delivered({ ...(events[4] as StoredEvent) })).toBeUndefined(); // not the kept object
    ring.shift();
    ring.shift(); // 5 leaves
    ring.push({ ...event(8), event: 'upload-progress' } as StoredEvent);
    expect(ring.get(5)).toBeUndefined();
    expect(ring.delivered(events[5] as StoredEvent)).toMatchObject({ id: '6' });
  });
});

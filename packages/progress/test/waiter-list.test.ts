import { describe, expect, it } from 'vitest';
import { Waiter, WaiterList } from '../src/waiter-list';

function recorder(): { woken: string[]; waiter: (name: string, then?: () => void) => Waiter } {
  const woken: string[] = [];
  return {
    woken,
    waiter: (name, then) =>
      new Waiter(() => {
        woken.push(name);
        then?.();
      }),
  };
}

describe('WaiterList', () => {
  it('wakes every waiter once, oldest first, and is empty after', () => {
    const list = new WaiterList();
    const { woken, waiter } = recorder();
    const [a, b, c] = [waiter('a'), waiter('b'), waiter('c')];
    for (const w of [a, b, c, a]) list.add(w);
    expect(list.size).toBe(3);
    list.wakeAll();
    expect(woken).toEqual(['a', 'b', 'c']);
    expect(list.size).toBe(0);
    list.wakeAll();
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('removes from the head, the middle and the tail, and ignores a waiter it does not hold', () => {
    const list = new WaiterList();
    const other = new WaiterList();
    const { woken, waiter } = recorder();
    const all = ['a', 'b', 'c', 'd', 'e'].map((name) => waiter(name));
    for (const w of all) list.add(w);
    const [a, b, c, d, e] = all as [Waiter, Waiter, Waiter, Waiter, Waiter];
    other.remove(c);
    list.remove(a);
    list.remove(c);
    list.remove(e);
    list.remove(e);
    expect(list.size).toBe(2);
    list.add(a);
    list.wakeAll();
    expect(woken).toEqual(['b', 'd', 'a']);
    expect([b.list, d.list, a.list]).toEqual([undefined, undefined, undefined]);
  });

  it('moves a waiter added to another list out of the first one', () => {
    const [first, second] = [new WaiterList(), new WaiterList()];
    const { woken, waiter } = recorder();
    const [a, b] = [waiter('a'), waiter('b')];
    first.add(a);
    first.add(b);
    second.add(a);
    first.wakeAll();
    expect(woken).toEqual(['b']);
    expect(second.size).toBe(1);
    second.wakeAll();
    expect(woken).toEqual(['b', 'a']);
  });

  it('lets a woken waiter wait again at once, for the next wake, without disturbing the wake in progress', () => {
    const list = new WaiterList();
    const { woken, waiter } = recorder();
    const later = waiter('later');
    const first: Waiter = waiter('first', () => {
      list.add(first);
      list.add(later); // not woken yet in this round: still woken in it, and waits for the next
    });
    list.add(first);
    list.add(later);
    list.wakeAll();
    expect(woken).toEqual(['first', 'later']);
    expect(list.size).toBe(2);
    list.wakeAll();
    expect(woken).toEqual(['first', 'later', 'first', 'later']);
  });

  it('still wakes, once, a waiter removed by an earlier wake of the same round', () => {
    const list = new WaiterList();
    const { woken, waiter } = recorder();
    const second = waiter('second');
    list.add(waiter('first', () => list.remove(second)));
    list.add(second);
    list.wakeAll();
    expect(woken).toEqual(['first', 'second']);
    expect(list.size).toBe(0);
  });
});

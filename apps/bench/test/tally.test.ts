import { describe, expect, it } from 'vitest';
import { Tally } from '../src/load/tally';
import { checkDelivery } from '../src/scenarios/check';
import { type JobEvent, progressPayload, resultPayload } from '../src/wire';

const jobId = '00000000-0000-4000-8000-000000000000';
const progress = (k: number): JobEvent => ({
  event: 'upload-progress',
  payload: progressPayload({ jobId, k, sentAtMicros: 0 }),
});
const completed = (processed: number): JobEvent => ({
  event: 'upload-completed',
  payload: resultPayload({ jobId, processed }),
});

describe('Tally and checkDelivery', () => {
  it('passes a subscriber that got its events in order and the terminal one', async () => {
    const tally = new Tally();
    const state = tally.add();
    tally.reset({ recordLatency: false });
    for (const event of [progress(1), progress(2), completed(2)]) tally.receive(state, event);
    const report = await tally.report({ timeoutMs: 0 });
    expect(report).toMatchObject({ delivered: 3, terminals: 1, skipped: 0 });
    expect(checkDelivery(report, 1)).toEqual({ ok: true, problems: [] });
  });

  it('counts skipped progress (conflation) without failing when the last state is exact', async () => {
    const tally = new Tally();
    const state = tally.add();
    for (const event of [progress(1), progress(4), completed(4)]) tally.receive(state, event);
    const report = await tally.report({ timeoutMs: 0 });
    expect(report.skipped).toBe(2);
    expect(tally.covered).toBe(4);
    expect(checkDelivery(report, 1).ok).toBe(true);
  });

  it('fails on a lost terminal event, a stale last state and events out of order', async () => {
    const tally = new Tally();
    const lost = tally.add();
    const stale = tally.add();
    const shuffled = tally.add();
    tally.receive(lost, progress(1));
    tally.receive(stale, progress(1));
    tally.receive(stale, completed(2));
    for (const event of [progress(2), progress(1), completed(2)]) tally.receive(shuffled, event);
    const report = await tally.report({ timeoutMs: 10 });
    expect(report).toMatchObject({ missingTerminals: 1, wrongFinalState: 1, outOfOrder: 1 });
    expect(checkDelivery(report, 3)).toEqual({
      ok: false,
      problems: [
        '1 terminal events lost',
        '1 subscribers ended on a stale state',
        '1 events out of order or duplicated',
      ],
    });
  });
});

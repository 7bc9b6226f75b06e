import { describe, expect, it } from 'vitest';
import { checkUploadProgress, UploadProgressSchema } from '../src/index';

const jobId = '6f1c1f5e-8a51-4f3a-9a49-8f1c2b7d9e10';

/** Candidate values per field, valid and not; `MISSING` leaves the key out. */
const MISSING = Symbol('missing');
const candidates: Record<string, unknown[]> = {
  jobId: [jobId, jobId.toUpperCase(), '6f1c1f5e-8a51-4f3a-9a49-8f1c2b7d9e11', 'not-a-uuid', '', 1, null, MISSING],
  templateName: ['users', 'x', '', ' ', 1, null, undefined, ['users'], MISSING],
  status: ['started', 'processing', 'completed', 'failed', 'STARTED', '', 0, null, MISSING],
  progress: [0, 50, 99.5, 100, -0, -1, 100.0001, Number.NaN, Number.POSITIVE_INFINITY, '50', null, undefined, MISSING],
  message: ['', 'Processing', 0, null, undefined, {}, MISSING],
  processed: [0, 10, 2 ** 53 - 1, 2 ** 53, -1, 1.5, Number.NaN, '1', null, undefined, MISSING],
  total: [0, 1_000_000, -0, -2, 0.1, Number.POSITIVE_INFINITY, '', null, undefined, MISSING],
  errors: [[], ['Row 1: email: Invalid email'], ['a', 1], [null], 'Row 1', {}, null, undefined, MISSING],
};
const fields = Object.keys(candidates);

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function valid(): Record<string, unknown> {
  return {
    jobId,
    templateName: 'users',
    status: 'processing',
    progress: 40,
    message: 'Processing',
    processed: 4,
    total: 10,
  };
}

/** A payload close to valid: a few fields replaced by candidates, sometimes an extra key or another prototype. */
function mutant(random: () => number): unknown {
  const value = valid();
  const changes = 1 + Math.floor(random() * 3);
  for (let i = 0; i < changes; i++) {
    const field = pick(random, fields);
    const next = pick(random, candidates[field] ?? []);
    if (next === MISSING) delete value[field];
    else value[field] = next;
  }
  const shape = random();
  if (shape < 0.05) return Object.assign(Object.create({ inherited: true }), value);
  if (shape < 0.1) return Object.assign(Object.create(null), value);
  if (shape < 0.15) return { ...value, extra: 'ignored' };
  if (shape < 0.17) return [value];
  return value;
}

describe('checkUploadProgress', () => {
  it('accepts the payloads the emitter sends and returns a copy with only the schema keys', () => {
    const payload = { ...valid(), errors: ['Row 2: email: Invalid email'], extra: true };
    const checked = checkUploadProgress(payload, jobId);
    expect(checked).toEqual(UploadProgressSchema.parse(payload));
    expect(checked).not.toBe(payload);
    expect(checked?.errors).not.toBe(payload.errors);
    expect(
      checkUploadProgress({ jobId, templateName: 'users', status: 'started', progress: 0, message: '' }, jobId),
    ).toBeDefined();
  });

  it('leaves the decision to the schema for another job id, even a valid one', () => {
    expect(checkUploadProgress({ ...valid(), jobId: jobId.toUpperCase() }, jobId)).toBeUndefined();
  });

  it('never accepts what the schema rejects, and returns exactly what the schema returns (20,000 seeded mutants)', () => {
    const random = seededRandom(20261128);
    let accepted = 0;
    let rejectedBySchema = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = mutant(random);
      const fast = checkUploadProgress(value, jobId);
      const schema = UploadProgressSchema.safeParse(value);
      if (!schema.success) rejectedBySchema++;
      if (fast === undefined) continue;
      accepted++;
      expect(schema.success, JSON.stringify(value)).toBe(true);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.data));
      expect(fast).toEqual(schema.data);
    }
    expect(accepted).toBeGreaterThan(1_000);
    expect(rejectedBySchema).toBeGreaterThan(1_000);
  }, 60_000); // well under a second alone; the default 5 s is not enough beside the whole build on two cores
});

describe('checkUploadProgress against the schema’s keys', () => {
  /** A payload with every key of the schema set: a key added to the schema fails the first assertion until it is here. */
  const full = {
    jobId,
    templateName: 'users',
    status: 'processing',
    progress: 40,
    message: 'Processing 4 of 10 rows',
    processed: 4,
    total: 10,
    errors: ['Row 2: email: Invalid email address'],
  };

  it('lists every field of UploadProgressSchema here and in the candidates above', () => {
    expect(Object.keys(full).sort()).toEqual(Object.keys(UploadProgressSchema.shape).sort());
    expect(fields.slice().sort()).toEqual(Object.keys(UploadProgressSchema.shape).sort());
  });

  it('copies every field the schema keeps, so none is dropped from an event after the first', () => {
    expect(checkUploadProgress(full, jobId)).toEqual(UploadProgressSchema.parse(full));
  });
});

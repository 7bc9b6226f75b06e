import { randomUUID } from 'node:crypto';
import { checkUploadProgress, type JobStreamEvent, UploadProgressSchema } from '@jobstream/contracts';
import { describe, expect, it } from 'vitest';
import { eventJson, payloadJson } from '../../src/ws/event-json';
import { mulberry32, SEED } from '../fuzz-seed';

const STRINGS = [
  '',
  'users',
  'Processing 5 of 10 rows',
  'quote " backslash \\ newline \n tab \t',
  'é ✓ \u2028 \u0000 😀',
];
const NUMBERS = [0, -0, 1, 42.5, 99.99999, 100, 1e-7, 123456789, 2 ** 53 - 1];

describe('eventJson', () => {
  it('is byte for byte JSON.stringify of progress events as the emitter stores them (5,000 seeded payloads)', () => {
    const random = mulberry32(SEED);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const jobId = randomUUID();
    for (let i = 0; i < 5_000; i++) {
      const input: Record<string, unknown> = {
        jobId,
        templateName: pick(STRINGS) || 'users',
        status: pick(['started', 'processing']),
        progress: Math.min(100, Math.abs(pick(NUMBERS))),
        message: pick(STRINGS),
      };
      if (random() < 0.7) input.processed = Math.floor(Math.abs(pick(NUMBERS)));
      if (random() < 0.7) input.total = Math.floor(Math.abs(pick(NUMBERS)));
      if (random() < 0.3) input.errors = [pick(STRINGS), pick(STRINGS)];
      if (random() < 0.3) input.extra = 'dropped by the checks';
      // Both ways a payload is stored: the hand-written check and the schema.
      const payload = random() < 0.5 ? checkUploadProgress(input, jobId) : UploadProgressSchema.parse(input);
      expect(payload).toBeDefined();
      const flags = pick([{}, { snapshot: true }, { snapshot: true, missed: true }]);
      const data = { event: 'upload-progress', payload, ...flags } as JobStreamEvent;
      expect(eventJson(data)).toBe(JSON.stringify(data));
      expect(payloadJson(data)).toBe(JSON.stringify(data.payload));
    }
  });

  it('serializes terminal events generically', () => {
    const data = {
      event: 'upload-error',
      payload: { jobId: randomUUID(), templateName: 'users', status: 'failed', message: 'Cancelled' },
      snapshot: true,
    } as JobStreamEvent;
    expect(eventJson(data)).toBe(JSON.stringify(data));
    expect(payloadJson(data)).toBe(JSON.stringify(data.payload));
  });
});

describe('eventJson against the schema’s keys', () => {
  it('writes every field of UploadProgressSchema, so none is dropped from an event', () => {
    const payload = {
      jobId: randomUUID(),
      templateName: 'users',
      status: 'processing' as const,
      progress: 40,
      message: 'Processing 4 of 10 rows',
      processed: 4,
      total: 10,
      errors: ['Row 2: email: Invalid email address'],
    };
    // A key added to the schema fails here until this payload (and eventJson) carry it.
    expect(Object.keys(payload).sort()).toEqual(Object.keys(UploadProgressSchema.shape).sort());
    const event: JobStreamEvent = { event: 'upload-progress', payload, snapshot: true, missed: true };
    expect(eventJson(event)).toBe(JSON.stringify(event));
  });
});

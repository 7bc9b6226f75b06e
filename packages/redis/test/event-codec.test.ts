import { randomUUID } from 'node:crypto';
import { type JobEvent, UploadStatus, WebSocketEvents } from '@jobstream/contracts';
import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent } from '../src/event-codec';
import { jobIdOfChannel, jobKeys } from '../src/job-keys';

describe('event codec', () => {
  it('stores an event without its job id and reads back the same event, keys in the same order', () => {
    const jobId = randomUUID();
    const event: JobEvent = {
      event: WebSocketEvents.UPLOAD_PROGRESS,
      payload: {
        jobId,
        templateName: 'users',
        status: UploadStatus.PROCESSING,
        progress: 42,
        message: 'Processing',
        processed: 420,
        total: 1000,
      },
    };
    const field = encodeEvent(event, 1_700_000_000_000);
    expect(field).not.toContain(jobId);
    const stored = decodeEvent(jobId, field, 'e1', 7);
    expect({ event: stored.event, payload: stored.payload }).toEqual(event);
    expect(JSON.stringify(stored.payload)).toBe(JSON.stringify(event.payload));
    expect(stored.id).toBe('e1:7');
    expect(stored.at).toBe(1_700_000_000_000);
  });

  it('finds the job id of a job channel, whatever the id holds', () => {
    for (const jobId of [randomUUID(), 'a}:events{b', '']) {
      expect(jobIdOfChannel('app:', jobKeys('app:', jobId).channel)).toBe(jobId);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readUploadResponse } from '../src/lib/read-upload-response';

describe('readUploadResponse', () => {
  it('reads the job id of an accepted upload', () => {
    expect(readUploadResponse(201, '{"jobId":"abc"}')).toEqual({ ok: true, jobId: 'abc' });
  });

  it("passes the server's error on", () => {
    expect(readUploadResponse(400, '{"error":"Unknown template \'x\'"}')).toEqual({
      ok: false,
      status: 400,
      error: "Unknown template 'x'",
    });
  });

  it('explains a refusal without a JSON body', () => {
    expect(readUploadResponse(413, 'Payload Too Large')).toEqual({
      ok: false,
      status: 413,
      error: 'The file is too large.',
    });
    expect(readUploadResponse(502, '')).toMatchObject({
      ok: false,
      error: 'jobstream is not answering right now. Try again in a moment.',
    });
    expect(readUploadResponse(504, '')).toMatchObject({ ok: false, error: 'The upload failed (HTTP 504).' });
  });

  it('treats a success without a job id as a failure', () => {
    expect(readUploadResponse(201, '{}')).toMatchObject({ ok: false, status: 201 });
  });
});

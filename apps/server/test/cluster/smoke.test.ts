import { startRedisServer } from '@jobstream/redis/testing';
import { createSchema } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, inject, it } from 'vitest';
import { connectClient, follow, startTestServer, upload, usersCsv } from '../fixtures';

describe('two instances on one Redis and one PostgreSQL', () => {
  it('serves an import uploaded to one instance to a subscriber of another, started after the job began', async () => {
    await using redis = await startRedisServer();
    const schema = await createSchema(inject('postgresUrl'));
    const env = {
      REDIS_URL: redis.url,
      DATABASE_URL: schema.url,
      PROGRESS_INTERVAL_MS: '0',
      IMPORT_ROWS_PER_SECOND: '2000',
    };
    await using a = await startTestServer(env);
    await using client = await connectClient(a);
    const res = await upload(a, { token: client.token, body: usersCsv(2_000) });
    expect(res.status).toBe(201);
    await waitFor(async () =>
      expect((await a.services.jobs.get(res.body.jobId as string))?.processed).toBeGreaterThan(0),
    );
    await using b = await startTestServer(env);
    await using other = await connectClient(b, { token: client.token });
    const got = follow(other, res.body.jobId as string);
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.errors).toEqual([]);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: 2_000 } });
    await a.shutdown();
    await b.shutdown();
    await schema.drop();
  });
});

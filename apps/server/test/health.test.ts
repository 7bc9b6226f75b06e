import type { SqliteStore } from '@jobstream/storage';
import { describe, expect, inject, it } from 'vitest';
import { connectClient, startTestServer } from './fixtures';

describe('/healthz and /readyz', () => {
  // On PostgreSQL, postgres-faults.test.ts stops the server instead.
  it.runIf(inject('storeKind') === 'sqlite')(
    '/readyz answers 503 while the store cannot write, and 200 again once it can; /healthz stays 200',
    async () => {
      await using server = await startTestServer();
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ready: true });
      // A statement left open on the connection keeps it from writing (what a lazily read errors.csv once did).
      const reading = (server.services.store as SqliteStore).db.prepare('SELECT 1 FROM sqlite_master').iterate();
      reading.next();
      const blocked = await fetch(`${server.url}/readyz`);
      expect(blocked.status).toBe(503);
      expect(await blocked.json()).toEqual({ ready: false, reason: 'the store cannot write' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      reading.return?.();
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    },
  );

  it('/readyz answers 503 from the moment shutdown begins, while the server still serves for SHUTDOWN_DELAY_MS', async () => {
    const server = await startTestServer({ SHUTDOWN_DELAY_MS: '5000' });
    const stopped = server.shutdown();
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, reason: 'shutting down' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // Still the whole API, for what a load balancer sends before it notices: a new session, a WebSocket call.
    const client = await connectClient(server);
    expect(await client.trpc.upload.ping.query()).toMatchObject({ event: 'pong' });
    await client[Symbol.asyncDispose]();
    await stopped;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

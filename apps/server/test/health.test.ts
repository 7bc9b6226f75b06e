import type { SqliteStore } from '@jobstream/storage';
import { describe, expect, inject, it } from 'vitest';
import { startTestServer } from './fixtures';

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
});

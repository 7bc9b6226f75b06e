import { randomUUID } from 'node:crypto';
import type { JobStreamEvent } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import type { Subscribe } from '../src/load/clients/client';
import { subscribeSocketIo } from '../src/load/clients/socketio-client';
import { subscribeTrpc } from '../src/load/clients/trpc-client';
import type { BenchServer } from '../src/servers/bench-server';
import { startJobstreamServer } from '../src/servers/jobstream';
import { startPlainTrpcServer } from '../src/servers/plain-trpc';
import { startSocketIoServer } from '../src/servers/socketio';
import { progressPayload, resultPayload } from '../src/wire';
import { type Followed, followWithSocketIoClient, followWithTrpcClient } from './official-clients';

const CASES: Array<{
  name: string;
  start: () => Promise<BenchServer>;
  light: Subscribe;
  official: typeof followWithTrpcClient;
}> = [
  { name: 'Socket.IO', start: startSocketIoServer, light: subscribeSocketIo, official: followWithSocketIoClient },
  { name: 'plain tRPC', start: startPlainTrpcServer, light: subscribeTrpc, official: followWithTrpcClient },
  {
    name: 'jobstream',
    start: () => startJobstreamServer('trpc'),
    light: subscribeTrpc,
    official: followWithTrpcClient,
  },
  {
    name: 'jobstream Socket.IO compat',
    start: () => startJobstreamServer('socketio'),
    light: subscribeSocketIo,
    official: followWithSocketIoClient,
  },
];

describe('the load generator’s wire clients receive what the official clients receive', () => {
  for (const { name, start, light, official } of CASES) {
    it(name, async () => {
      const server = await start();
      let followed: Followed | undefined;
      let connection: { close(): void } | undefined;
      try {
        const jobId = randomUUID();
        server.createJob(jobId);
        const lightEvents: JobStreamEvent[] = [];
        const errors: string[] = [];
        const subscribe = { endpoint: server.endpoint, jobId, onError: (e: string) => errors.push(e) };
        connection = await light({ ...subscribe, onEvent: (event) => lightEvents.push(event) });
        followed = official(server.endpoint, jobId);
        await followed.ready;
        for (let k = 1; k <= 3; k++) server.emitProgress(jobId, progressPayload({ jobId, k, sentAtMicros: k }));
        server.emitCompletion(jobId, resultPayload({ jobId, processed: 3 }));
        const officialEvents = followed.events;
        await waitFor(() => {
          expect(lightEvents.at(-1)?.event).toBe('upload-completed');
          expect(officialEvents.at(-1)?.event).toBe('upload-completed');
        });
        expect(errors).toEqual([]);
        expect(lightEvents).toEqual(followed.events);
        const progress = lightEvents.filter((e) => e.event === 'upload-progress');
        expect(progress.at(-1)?.payload.processed).toBe(3);
      } finally {
        connection?.close();
        await followed?.close();
        await server.close();
      }
    });
  }
});

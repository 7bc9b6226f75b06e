import { EventEmitter, on } from 'node:events';
import type { JobEvent } from '@jobstream/contracts';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';

const t = initTRPC.create({ transformer: superjson });

/** The naive tRPC 11 way: one `events.on` iterator per subscription on a shared EventEmitter, keyed by job id. */
export function createPlainRouter(emitter: EventEmitter) {
  return t.router({
    upload: t.router({
      onProgress: t.procedure.input(z.object({ jobId: z.string() })).subscription(async function* ({ input, signal }) {
        for await (const [event] of on(emitter, input.jobId, { signal })) {
          const jobEvent = event as JobEvent;
          yield jobEvent;
          if (jobEvent.event !== 'upload-progress') return;
        }
      }),
    }),
  });
}

/** The emitter the router listens on, without the listener-count warning (1,000 subscribers share one job). */
export function createJobEmitter(): EventEmitter {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return emitter;
}

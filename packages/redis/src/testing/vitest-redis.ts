import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway `redis-server`'s URL; each test keeps to a key prefix of its own. */
    redisUrl: string;
  }
}

/** A vitest `globalSetup`: one throwaway `redis-server` for the run, provided as `redisUrl`, stopped after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}

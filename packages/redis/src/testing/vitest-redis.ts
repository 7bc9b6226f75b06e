import type { TestProject } from 'vitest/node';
// For its declaration of the values vitest provides to tests (`redisUrl`, `logKind`).
import './project-redis';
import { startRedisServer } from './redis-server';

/** A vitest `globalSetup`: one throwaway `redis-server` for the run, provided as `redisUrl`, stopped after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}

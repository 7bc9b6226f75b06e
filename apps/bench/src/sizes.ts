/** How big and how long each scenario runs. */
export interface Sizes {
  /** Rounds of every server scenario; each server's best run is reported. */
  repeats: number;
  /** Unmeasured flood before the measured one in S1 and S2, so every server runs optimized code when measured, ms. */
  warmupMs: number;
  s1: { jobs: number; maxEvents: number; maxMs: number; windowMessages: number; chunkMessages: number };
  s1Latency: { jobs: number; eventsPerSecond: number; durationMs: number };
  s2: { subscribers: number; maxEvents: number; maxMs: number; windowEvents: number };
  s3: { subscribers: number; settleMs: number };
  /** The cluster's Redis memory: `eventsPerJob` progress events per job, then again carrying `rowErrors` row errors. */
  redisMemory: { jobs: number; eventsPerJob: number; rowErrors: number };
  /** `repeats` rounds of every import variant; each variant's fastest round is reported. */
  s4: { rows: number; repeats: number };
}

/** The scenario sizes, 6 s phases after a 2 s warm-up, best of 2 rounds: about 10 minutes on 2 cores. */
export const FULL: Sizes = {
  repeats: 2,
  warmupMs: 2000,
  s1: { jobs: 2000, maxEvents: 5_000_000, maxMs: 6000, windowMessages: 10_000, chunkMessages: 500 },
  s1Latency: { jobs: 2000, eventsPerSecond: 2000, durationMs: 6000 },
  s2: { subscribers: 1000, maxEvents: 10_000, maxMs: 6000, windowEvents: 40 },
  s3: { subscribers: 5000, settleMs: 1000 },
  redisMemory: { jobs: 20, eventsPerJob: 300, rowErrors: 100 },
  s4: { rows: 1_000_000, repeats: 3 },
};

/** The same sizes with 2 s phases after a 1 s warm-up, one round, a smaller import: under 2 minutes on 2 cores. */
export const QUICK: Sizes = {
  repeats: 1,
  warmupMs: 1000,
  s1: { ...FULL.s1, maxMs: 2000 },
  s1Latency: { ...FULL.s1Latency, durationMs: 2000 },
  s2: { ...FULL.s2, maxMs: 2000 },
  s3: { ...FULL.s3, settleMs: 300 },
  redisMemory: FULL.redisMemory,
  s4: { rows: 200_000, repeats: 2 },
};

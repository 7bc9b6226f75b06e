/** How big and how long each scenario runs. */
export interface Sizes {
  /** Rounds of every server scenario; each server's best run is reported. */
  repeats: number;
  s1: { jobs: number; maxEvents: number; maxMs: number; windowMessages: number; chunkMessages: number };
  s1Latency: { jobs: number; eventsPerSecond: number; durationMs: number };
  s2: { subscribers: number; maxEvents: number; maxMs: number; windowEvents: number };
  s3: { subscribers: number; settleMs: number };
  /** `repeats` rounds of every import variant; each variant's fastest round is reported. */
  s4: { rows: number; repeats: number };
}

/** The scenario sizes, 6 s phases, best of 2 rounds: about 10 minutes on 2 cores. */
export const FULL: Sizes = {
  repeats: 2,
  s1: { jobs: 2000, maxEvents: 5_000_000, maxMs: 6000, windowMessages: 10_000, chunkMessages: 500 },
  s1Latency: { jobs: 2000, eventsPerSecond: 2000, durationMs: 6000 },
  s2: { subscribers: 1000, maxEvents: 10_000, maxMs: 6000, windowEvents: 40 },
  s3: { subscribers: 5000, settleMs: 1000 },
  s4: { rows: 1_000_000, repeats: 3 },
};

/** The same sizes with 2 s phases, one round, a smaller import: under 2 minutes on 2 cores. */
export const QUICK: Sizes = {
  repeats: 1,
  s1: { ...FULL.s1, maxMs: 2000 },
  s1Latency: { ...FULL.s1Latency, durationMs: 2000 },
  s2: { ...FULL.s2, maxMs: 2000 },
  s3: { ...FULL.s3, settleMs: 300 },
  s4: { rows: 200_000, repeats: 2 },
};

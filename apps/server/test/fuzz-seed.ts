/** Fixed by default so CI is repeatable; `FUZZ_SEED=<n>` replays or explores another run. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed with FUZZ_SEED. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

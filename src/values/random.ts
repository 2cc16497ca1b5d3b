// Deterministic randomness for `simulate` sources: every (seed, run, position)
// triple has its own generator, so a record's random values depend only on where
// it is, and a run is reproducible.

/** 32-bit avalanche mix (murmur3's finaliser). */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds a JS number (any integer up to 2^53, or a fraction) into 32 bits. */
function fold(n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / 4294967296) >>> 0;
  return mix32(lo ^ mix32(hi + 0x9e3779b9));
}

/** A generator of uniform numbers in [0, 1) for one (seed, run, position). */
export function simulationRandom(seed: number, run: number, position: number): () => number {
  // sfc32 seeded from a hash of the triple.
  let a = mix32(fold(seed) ^ 0x243f6a88);
  let b = mix32(fold(run) + a);
  let c = mix32(fold(position) ^ b);
  let d = mix32(a ^ b ^ c ^ 0x13198a2e);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A uniform integer in [lo, hi] inclusive; null when lo > hi or a bound is not an integer. */
export function randomInt(rnd: () => number, lo: number, hi: number): number | null {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) return null;
  return lo + Math.floor(rnd() * (hi - lo + 1));
}

/** A uniformly chosen element; null for an empty list. */
export function randomChoice<T>(rnd: () => number, list: ReadonlyArray<T>): T | null {
  return list.length === 0 ? null : (list[Math.floor(rnd() * list.length)] as T);
}

/** True with probability p (p <= 0 never, p >= 1 always); null when p is NaN. */
export function chance(rnd: () => number, p: number): boolean | null {
  if (Number.isNaN(p)) return null;
  return rnd() < p;
}

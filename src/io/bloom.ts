// The filter in front of the key store: one Bloom filter per chunk of keys (the
// keys one run added), so that a key never seen before, the common case, is
// answered from memory without a read from the store. A key is hashed once
// (`keyHashes`) and that pair probes every chunk's filter (double hashing,
// Kirsch and Mitzenmacher), which is why the filter is ours rather than a
// library's: those hash each key again for every filter they are asked.

/** Bits per key: with K probes, about 1 false positive in 10,000 per chunk (at 20 bits; a filter rounds up to a power of two). */
const BITS_PER_KEY = 20;
/** Probes per key. */
export const PROBES = 10;

/** Two independent 32-bit hashes of a key's UTF-16 code units (FNV-1a and a multiplicative mix, each finalized with murmur3's fmix32); h2 is odd. */
export function keyHashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [fmix(a) >>> 0, (fmix(b ^ key.length) | 1) >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A filter's bits (a power of two of them, at least 64), as stored: little-endian 32-bit words. */
export class BloomFilter {
  readonly mask: number;

  private constructor(readonly words: Uint32Array) {
    this.mask = words.length * 32 - 1;
  }

  /** An empty filter sized for `count` keys. */
  static sized(count: number, bitsPerKey: number = BITS_PER_KEY): BloomFilter {
    let bits = 64;
    while (bits < count * bitsPerKey && bits < 2 ** 31) bits *= 2;
    return new BloomFilter(new Uint32Array(bits / 32));
  }

  /** A stored filter's bytes; undefined when they cannot be one (not a power of two of words). */
  static fromBytes(bytes: Uint8Array): BloomFilter | undefined {
    const words = bytes.byteLength / 4;
    if (!Number.isInteger(words) || words < 2 || (words & (words - 1)) !== 0) return undefined;
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new BloomFilter(new Uint32Array(copy.buffer));
  }

  add(h1: number, h2: number): void {
    const w = this.words;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) >>> 0) {
      const bit = h & this.mask;
      w[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** False: the key was never added. True: it may have been. */
  mayHave(h1: number, h2: number): boolean {
    const w = this.words;
    for (let i = 0, h = h1; i < PROBES; i++, h = (h + h2) >>> 0) {
      const bit = h & this.mask;
      if ((w[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** A filter with the same bits, to add to without touching this one. */
  copy(): BloomFilter {
    return new BloomFilter(this.words.slice());
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.words.buffer, this.words.byteOffset, this.words.byteLength);
  }
}

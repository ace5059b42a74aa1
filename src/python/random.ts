import { createHash, randomInt } from 'node:crypto';

/**
 * Python's random.Random: the Mersenne Twister (MT19937) seeded the way CPython seeds it, so a seeded
 * `random`/`shuffle` filter or a seeded `password` lookup gives the very numbers Ansible gives.
 * Without a seed, the system's secure random source is used (Python's SystemRandom).
 */
export interface PyRandom {
  /** A uniformly chosen integer in [0, n). */
  below(n: number): number;
}

const N = 624;
const M = 397;

class MersenneTwister implements PyRandom {
  private readonly state = new Uint32Array(N);
  private index = N + 1;

  constructor(key: number[]) {
    this.initByArray(key);
  }

  private initGenrand(seed: number): void {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.state;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const previous = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(previous, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const previous = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(previous, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private twist(): void {
    const mt = this.state;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  private next32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k), for k up to 53 (what the filters need). */
  private bits(k: number): number {
    if (k <= 32) return this.next32() >>> (32 - k);
    const low = this.next32();
    const high = this.next32() >>> (64 - k);
    return high * 2 ** 32 + low;
  }

  /** CPython's _randbelow_with_getrandbits: rejection sampling on n.bit_length() bits. */
  below(n: number): number {
    if (n <= 0) return 0;
    const k = n.toString(2).length;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }
}

/** An integer's 32-bit words, least significant first, as CPython's random_seed splits abs(seed). */
function words(value: bigint): number[] {
  const out: number[] = [];
  let rest = value < 0n ? -value : value;
  do {
    out.push(Number(rest & 0xffffffffn));
    rest >>= 32n;
  } while (rest > 0n);
  return out;
}

/** random.seed(a) version 2: str seeds become int(a + sha512(a)); ints and integral floats are used as they are. */
function seedKey(seed: unknown): number[] {
  if (typeof seed === 'bigint') return words(seed);
  if (typeof seed === 'number' && Number.isInteger(seed)) return words(BigInt(seed));
  if (typeof seed === 'boolean') return words(seed ? 1n : 0n);
  const bytes = Buffer.from(String(seed), 'utf8');
  const joined = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
  return words(BigInt(`0x${joined.toString('hex')}`));
}

const systemRandom: PyRandom = { below: (n) => (n <= 0 ? 0 : randomInt(n)) };

/** Python's random.Random(seed), or SystemRandom when the seed is None. */
export function pyRandom(seed: unknown = null): PyRandom {
  return seed === null || seed === undefined ? systemRandom : new MersenneTwister(seedKey(seed));
}

/** random.choice */
export function pyChoice<T>(random: PyRandom, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('Cannot choose from an empty sequence');
  return items[random.below(items.length)];
}

/** random.shuffle, in place, walking from the end as CPython does. */
export function pyShuffle<T>(random: PyRandom, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** random.randrange(start, stop, step) */
export function pyRandrange(random: PyRandom, start: number, stop: number, step: number): number {
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + random.below(width);
    throw new RangeError(`empty range in randrange(${start}, ${stop})`);
  }
  if (step === 0) throw new RangeError('zero step for randrange()');
  const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
  if (n <= 0) throw new RangeError(`empty range in randrange(${start}, ${stop}, ${step})`);
  return start + step * random.below(n);
}

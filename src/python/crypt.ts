import { createHash } from 'node:crypto';

/**
 * The crypt(3) password hashes Ansible's password_hash gives when it falls back to Python's crypt module:
 * MD5-crypt ($1$), and SHA-crypt ($5$ SHA-256, $6$ SHA-512) as specified by Ulrich Drepper.
 */

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base64: 24 bits at a time, least significant 6 bits first. */
function encode24(b2: number, b1: number, b0: number, chars: number): string {
  let word = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += ALPHABET[word & 0x3f];
    word >>= 6;
  }
  return out;
}

/** The digest's bytes in the order each algorithm writes them, as triples [b2, b1, b0] (-1 for "zero"). */
const SHA512_ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
  [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const SHA256_ORDER = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]];
const MD5_ORDER = [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]];

function encodeDigest(digest: Buffer, order: number[][], tail: [number, number, number, number]): string {
  const at = (index: number) => (index < 0 ? 0 : digest[index]);
  return order.map(([b2, b1, b0]) => encode24(digest[b2], digest[b1], digest[b0], 4)).join('') + encode24(at(tail[0]), at(tail[1]), at(tail[2]), tail[3]);
}

/** `length` bytes made of `block` repeated. */
function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += block.length) block.copy(out, offset, 0, Math.min(block.length, length - offset));
  return out;
}

function shaCrypt(algorithm: 'sha256' | 'sha512', password: Buffer, salt: Buffer, rounds: number): Buffer {
  const hash = (...parts: Buffer[]) => {
    const h = createHash(algorithm);
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const alternate = hash(password, salt, password);
  const bits: Buffer[] = [];
  for (let n = password.length; n > 0; n >>= 1) bits.push(n & 1 ? alternate : password);
  let digest = hash(password, salt, repeatTo(alternate, password.length), ...bits);
  const passwordSequence = repeatTo(hash(repeatTo(password, password.length * password.length)), password.length);
  const saltSequence = repeatTo(hash(repeatTo(salt, salt.length * (16 + digest[0]))), salt.length);
  for (let i = 0; i < rounds; i++) {
    const parts: Buffer[] = [i & 1 ? passwordSequence : digest];
    if (i % 3) parts.push(saltSequence);
    if (i % 7) parts.push(passwordSequence);
    parts.push(i & 1 ? digest : passwordSequence);
    digest = hash(...parts);
  }
  return digest;
}

function md5Crypt(password: Buffer, salt: Buffer): Buffer {
  const md5 = (...parts: Buffer[]) => {
    const h = createHash('md5');
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const alternate = md5(password, salt, password);
  const bits: Buffer[] = [];
  for (let n = password.length; n > 0; n >>= 1) bits.push(n & 1 ? Buffer.from([0]) : password.subarray(0, 1));
  let digest = md5(password, Buffer.from('$1$'), salt, repeatTo(alternate, password.length), ...bits);
  for (let i = 0; i < 1000; i++) {
    const parts: Buffer[] = [i & 1 ? password : digest];
    if (i % 3) parts.push(salt);
    if (i % 7) parts.push(password);
    parts.push(i & 1 ? digest : password);
    digest = md5(...parts);
  }
  return digest;
}

export type CryptScheme = 'md5_crypt' | 'sha256_crypt' | 'sha512_crypt';

/** crypt(password, "$id$[rounds=N$]salt"): rounds only when given (glibc's default is 5000). */
export function cryptHash(scheme: CryptScheme, password: string, salt: string, rounds?: number): string {
  const secret = Buffer.from(password, 'utf8');
  if (scheme === 'md5_crypt') {
    const saltBytes = Buffer.from(salt.slice(0, 8), 'utf8');
    return `$1$${saltBytes}$${encodeDigest(md5Crypt(secret, saltBytes), MD5_ORDER, [-1, -1, 11, 2])}`;
  }
  const saltBytes = Buffer.from(salt.slice(0, 16), 'utf8');
  const effective = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const prefix = `$${scheme === 'sha256_crypt' ? 5 : 6}$${rounds === undefined ? '' : `rounds=${effective}$`}`;
  if (scheme === 'sha256_crypt') return `${prefix}${saltBytes}$${encodeDigest(shaCrypt('sha256', secret, saltBytes, effective), SHA256_ORDER, [-1, 31, 30, 3])}`;
  return `${prefix}${saltBytes}$${encodeDigest(shaCrypt('sha512', secret, saltBytes, effective), SHA512_ORDER, [-1, -1, 63, 2])}`;
}

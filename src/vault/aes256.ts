import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { VaultEnvelope } from './envelope.js';

// Ansible's VaultAES256: PBKDF2-HMAC-SHA256 (10000 rounds) gives the AES key, the HMAC key and the counter block.
const ITERATIONS = 10_000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const SALT_LENGTH = 32;
const BLOCK = 16;

export class VaultHmacError extends Error {}

function deriveKeys(password: Buffer, salt: Buffer): { cipherKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return { cipherKey: derived.subarray(0, KEY_LENGTH), hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH), iv: derived.subarray(2 * KEY_LENGTH) };
}

// Ansible pads with PKCS#7 even though CTR mode needs none; files stay interchangeable only if we do the same.
function pad(data: Buffer): Buffer {
  const count = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(count, count)]);
}

function unpad(data: Buffer): Buffer {
  const count = data.length > 0 ? data[data.length - 1] : 0;
  if (count < 1 || count > BLOCK || count > data.length) return data;
  return data.subarray(0, data.length - count);
}

export function encryptAes256(plaintext: Buffer, password: Buffer): Pick<VaultEnvelope, 'cipher' | 'salt' | 'hmac' | 'ciphertext'> {
  const salt = randomBytes(SALT_LENGTH);
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const cipher = createCipheriv('aes-256-ctr', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  return { cipher: 'AES256', salt, hmac, ciphertext };
}

/** The plaintext, or VaultHmacError when this password did not encrypt it. */
export function decryptAes256(envelope: Pick<VaultEnvelope, 'salt' | 'hmac' | 'ciphertext'>, password: Buffer): Buffer {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, envelope.salt);
  const expected = createHmac('sha256', hmacKey).update(envelope.ciphertext).digest();
  if (expected.length !== envelope.hmac.length || !timingSafeEqual(expected, envelope.hmac)) throw new VaultHmacError('HMAC verification failed');
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  return unpad(Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]));
}

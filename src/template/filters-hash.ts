import { createHash } from 'node:crypto';
import { type CryptScheme, cryptHash } from '../python/crypt.js';
import { pyChoice, pyRandom } from '../python/random.js';
import { bindArgs } from './args.js';
import type { Callable } from './callable.js';
import { TemplateError } from './errors.js';
import { pythonStr } from './python-repr.js';

function hash(value: unknown, ...args: unknown[]): string {
  const [algorithm] = bindArgs('hash', args, ['hashtype'], ['sha1']);
  try {
    return createHash(pythonStr(algorithm)).update(pythonStr(value)).digest('hex');
  } catch {
    throw new TemplateError(`unsupported hash type ${pythonStr(algorithm)}`);
  }
}

/** password_hash's short names, as Ansible maps them to passlib's. */
const SCHEMES: Record<string, string> = { md5: 'md5_crypt', blowfish: 'bcrypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' };
const SALT_SIZE: Record<CryptScheme, number> = { md5_crypt: 8, sha256_crypt: 16, sha512_crypt: 16 };
/** Rounds that Ansible drops from the salt string (passlib's implicit rounds), so crypt uses its default. */
const IMPLICIT_ROUNDS: Record<CryptScheme, number | undefined> = { md5_crypt: undefined, sha256_crypt: 535000, sha512_crypt: 656000 };
export const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./';

/** A random salt as Ansible's random_salt makes it. */
export function randomSalt(length: number): string {
  const random = pyRandom();
  return Array.from({ length }, () => pyChoice(random, [...SALT_CHARS])).join('');
}

/**
 * Ansible's password_hash through Python's crypt (Debian's ansible-core has no passlib): the salt is
 * checked as Ansible checks it, rounds appear only when given and not the scheme's implicit count.
 */
export function passwordHash(password: unknown, ...args: unknown[]): string {
  const [hashtype, salt, saltSize, rounds] = bindArgs('password_hash', args, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'], ['sha512', null, null, null, null]);
  const scheme = (SCHEMES[pythonStr(hashtype)] ?? pythonStr(hashtype)) as CryptScheme;
  if (!Object.hasOwn(SALT_SIZE, scheme)) throw new TemplateError(`crypt.crypt does not support '${scheme}' algorithm`);
  const size = saltSize === null ? SALT_SIZE[scheme] : Number(saltSize);
  const chosen = salt === null || salt === '' ? randomSalt(size) : pythonStr(salt);
  if (/[^./0-9A-Za-z]/.test(chosen)) throw new TemplateError('invalid characters in salt');
  if (chosen.length > SALT_SIZE[scheme]) throw new TemplateError('invalid salt size');
  const count = rounds === null || Number(rounds) === IMPLICIT_ROUNDS[scheme] ? undefined : Number(rounds);
  return cryptHash(scheme, pythonStr(password), chosen, count);
}

const ANSIBLE_NAMESPACE = '361e6d51-faec-444a-9079-341386da8e2e';

/** uuid.uuid5(namespace, name) */
function toUuid(value: unknown, ...args: unknown[]): string {
  const [namespace] = bindArgs('to_uuid', args, ['namespace'], [ANSIBLE_NAMESPACE]);
  const ns = pythonStr(namespace).replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '');
  if (!/^[0-9a-f]{32}$/i.test(ns)) throw new TemplateError(`Invalid value '${pythonStr(namespace)}' for 'namespace': badly formed hexadecimal UUID string`);
  const digest = createHash('sha1').update(Buffer.from(ns, 'hex')).update(pythonStr(value), 'utf8').digest();
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const HASH_FILTERS: Record<string, Callable> = {
  hash,
  checksum: (value: unknown) => hash(value, 'sha1'),
  sha1: (value: unknown) => hash(value, 'sha1'),
  md5: (value: unknown) => hash(value, 'md5'),
  password_hash: passwordHash,
  to_uuid: toUuid,
};

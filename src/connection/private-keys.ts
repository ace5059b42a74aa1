import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { ParsedKey } from 'ssh2';

/** ssh2's key parser (utils.parseKey): a parsed key, or why the data is not one it can use. */
export type KeyParser = (data: Buffer) => ParsedKey | Error;

const parsedKeys = new Map<string, { stamp: string; key: ParsedKey | Buffer }>();

/**
 * A private key file, parsed once per run however many hosts log in with it (parsing costs each handshake about a
 * millisecond of CPU; with hundreds of hosts that adds up), again only when the file changed. A key the parser
 * cannot use as it is (one with a passphrase) is given as its bytes, as before: ssh2 then says why it skips it.
 * Throws what readFileSync throws.
 */
export function privateKey(file: string, parse: KeyParser): ParsedKey | Buffer {
  const stat = statSync(file);
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const cached = parsedKeys.get(file);
  if (cached?.stamp === stamp) return cached.key;
  const data = readFileSync(file);
  const parsed = parse(data);
  const key = parsed instanceof Error ? data : signingOnce(parsed);
  parsedKeys.set(file, { stamp, key });
  return key;
}

/** The hash each key type signs with when ssh2 names none (an RSA key names its SHA-2 hash when the host takes one). */
const DEFAULT_HASH: Record<string, string | null> = {
  'ssh-ed25519': null,
  'ssh-rsa': 'sha1',
  'ssh-dss': 'sha1',
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/**
 * ssh2 signs with the key's PEM text, which OpenSSL 3 decodes again at every signature (about 0.4 ms, ten times the
 * signature itself): the key signs through one decoded key object instead.
 */
function signingOnce(key: ParsedKey): ParsedKey {
  const hash = DEFAULT_HASH[key.type];
  const pem = key.getPrivatePEM();
  if (hash === undefined || !pem) return key;
  const decoded = createPrivateKey(pem);
  key.sign = (data, algorithm) => sign(algorithm || hash, Buffer.from(data), decoded);
  return key;
}

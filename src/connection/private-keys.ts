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
  const key = parsed instanceof Error ? data : parsed;
  parsedKeys.set(file, { stamp, key });
  return key;
}

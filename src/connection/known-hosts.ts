import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { HostKeyChecking } from './settings.js';

/** One key line of a known_hosts file that names the host. */
interface KnownKey {
  type: string;
  blob: Buffer;
  revoked: boolean;
  /** "file:line", for messages. */
  where: string;
}

export type HostKeyVerdict =
  | { ok: true; added?: string }
  | { ok: false; reason: string };

/** How OpenSSH names a host in known_hosts: "addr" on port 22, "[addr]:port" otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The fingerprint OpenSSH prints: SHA256 of the key blob, unpadded base64. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob, e.g. "ssh-ed25519". */
export function keyType(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

function displayType(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  return type;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** A known_hosts host field with patterns or a hash, read once: "name,[addr]:*,!other" as patterns, or "|1|salt|hash". */
type HostField = { hashed: { salt: Buffer; hash: string } | undefined; patterns: { negated: boolean; pattern: RegExp }[] };

/** One key line of a file. */
interface KnownLine extends KnownKey {
  fieldText: string;
  /** Its place in the file. */
  index: number;
}

function readHostField(field: string): HostField {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    return { hashed: salt && hash ? { salt: Buffer.from(salt, 'base64'), hash } : undefined, patterns: [] };
  }
  return {
    hashed: undefined,
    patterns: field.split(',').map((pattern) => {
      const negated = pattern.startsWith('!');
      return { negated, pattern: globToRegExp(negated ? pattern.slice(1) : pattern) };
    }),
  };
}

/** Whether a host field names the host. */
function fieldMatches(field: HostField, name: string): boolean {
  if (field.hashed) return createHmac('sha1', field.hashed.salt).update(name).digest('base64') === field.hashed.hash;
  let matched = false;
  for (const { negated, pattern } of field.patterns) {
    if (pattern.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function readKnownLines(file: string): KnownLine[] {
  const lines: KnownLine[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((raw, index) => {
    const words = raw.trim().split(/\s+/);
    if (words[0] === '' || words[0].startsWith('#')) return;
    const marker = words[0].startsWith('@') ? words.shift() : undefined;
    if (marker === '@cert-authority' || words.length < 3) return;
    const [field, type, base64] = words;
    lines.push({ fieldText: field, index, type, blob: Buffer.from(base64, 'base64'), revoked: marker === '@revoked', where: `${file}:${index + 1}` });
  });
  return lines;
}

/** A file's key lines: those whose host field is plain names, by lower-cased name; the others (patterns, hashes) to try one by one. */
interface KnownFile {
  byName: Map<string, KnownLine[]>;
  /** With their host field read once. */
  others: (KnownLine & { field: HostField })[];
}

const PLAIN_NAMES = /^[^*?!|,]+(,[^*?!|,]+)*$/;

function indexKnownLines(file: string): KnownFile {
  const known: KnownFile = { byName: new Map(), others: [] };
  for (const line of readKnownLines(file)) {
    if (!PLAIN_NAMES.test(line.fieldText)) {
      known.others.push({ ...line, field: readHostField(line.fieldText) });
      continue;
    }
    for (const name of new Set(line.fieldText.toLowerCase().split(','))) {
      const lines = known.byName.get(name) ?? [];
      lines.push(line);
      known.byName.set(name, lines);
    }
  }
  return known;
}

/**
 * Each file's lines, read again only when the file changed: every host of a run looks its keys up twice, and
 * reading and matching the whole file each time made a run's set-up grow with the square of its hosts.
 */
const knownFiles = new Map<string, { stamp: string; known: KnownFile }>();

function knownFile(file: string): KnownFile | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const cached = knownFiles.get(file);
  if (cached?.stamp === stamp) return cached.known;
  const known = indexKnownLines(file);
  knownFiles.set(file, { stamp, known });
  return known;
}

/** The key lines of the files that name the host, in file and line order. */
function keysFor(files: readonly string[], name: string): KnownKey[] {
  return files.flatMap((file) => {
    const known = knownFile(file);
    if (!known) return [];
    const lines = [...(known.byName.get(name.toLowerCase()) ?? []), ...known.others.filter((line) => fieldMatches(line.field, name))];
    return lines.sort((a, b) => a.index - b.index).map(({ type, blob, revoked, where }) => ({ type, blob, revoked, where }));
  });
}

const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Host key algorithms to offer, those of keys already known for the host first (as OpenSSH does). */
export function preferredHostKeyAlgorithms(files: readonly string[], address: string, port: number): ServerHostKeyAlgorithm[] {
  const known = new Set(keysFor(files, knownHostsName(address, port)).filter((key) => !key.revoked).map((key) => key.type));
  const isKnown = (algorithm: ServerHostKeyAlgorithm) => known.has(algorithm.startsWith('rsa-sha2-') ? 'ssh-rsa' : algorithm);
  return [...HOST_KEY_ALGORITHMS.filter(isKnown), ...HOST_KEY_ALGORITHMS.filter((algorithm) => !isKnown(algorithm))];
}

/**
 * Checks the key a server presented against the known_hosts files.
 * strict refuses unknown and changed keys; accept-new appends unknown keys to the first file; off accepts anything.
 */
export function verifyHostKey(
  blob: Buffer,
  target: { host: string; address: string; port: number },
  mode: HostKeyChecking,
  files: readonly string[],
): HostKeyVerdict {
  if (mode === 'off') return { ok: true };
  const name = knownHostsName(target.address, target.port);
  const type = keyType(blob);
  const print = `${displayType(type)} key fingerprint is ${fingerprint(blob)}`;
  const known = keysFor(files, name);
  const same = known.filter((key) => key.type === type && key.blob.equals(blob));
  const revoked = same.find((key) => key.revoked);
  if (revoked) return { ok: false, reason: `host key for ${target.host} (${name}) is marked as revoked in ${revoked.where}; the server's ${print}` };
  if (same.length > 0) return { ok: true };

  const changed = known.find((key) => key.type === type && !key.revoked);
  if (changed) {
    const file = changed.where.replace(/:\d+$/, '');
    return {
      ok: false,
      reason:
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${target.host} (${name}): the server's ${print}, ` +
        `but ${changed.where} has a different key (fingerprint ${fingerprint(changed.blob)}). Someone could be intercepting the connection, or the host was reinstalled. ` +
        `If the change is expected, remove the old entry (ssh-keygen -R '${name}' -f ${file}) and accept the new key.`,
    };
  }

  if (mode === 'accept-new') {
    const file = files[0];
    if (!file) return { ok: false, reason: `host key for ${target.host} (${name}) is unknown and no known_hosts file is configured to add it to` };
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${name} ${type} ${blob.toString('base64')}\n`, { mode: 0o600 });
    return { ok: true, added: file };
  }
  const portFlag = target.port === 22 ? '' : `-p ${target.port} `;
  return {
    ok: false,
    reason:
      `host key verification failed for ${target.host}: ${name} is not in ${files.join(', ') || 'any known_hosts file'}. ` +
      `The server's ${print}. If that is the right key, add it with ` +
      `'ssh-keyscan ${portFlag}-t ${displayType(type).toLowerCase()} ${target.address} >> ${files[0] ?? '~/.ssh/known_hosts'}' or run with --host-key-checking accept-new.`,
  };
}

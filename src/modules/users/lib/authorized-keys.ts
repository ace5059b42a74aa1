/** One line of an authorized_keys file as Ansible's authorized_key reads it. */
export interface KeyLine {
  /** The key blob, or for a line that holds no key, the line itself. */
  id: string;
  /** undefined for lines kept as they are (comments, blank lines, unknown key types). */
  type?: string;
  options: [string, string | null][];
  comment: string;
  rank: number;
}

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-dss',
  'ssh-rsa',
  'ssh-xmss@openssh.com',
  'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256',
  'rsa-sha2-512',
  'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
]);

/** `no-pty,command="a,b"` -> [[no-pty, null], [command, '"a,b"']]: commas inside quotes do not split. */
export function parseOptions(text: string | undefined): [string, string | null][] {
  if (!text) return [];
  return (text.match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? []).map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? [part, null] : [part.slice(0, at), part.slice(at + 1)];
  });
}

/** A key line, or undefined when it holds no known key type. Words are split on whitespace only, as Ansible's shlex setup does. */
export function parseKey(raw: string, rank: number): KeyLine | undefined {
  const line = raw.replace(/\\#/g, '#');
  const words = line.split(/[ \t\r\n]+/).filter((word) => word !== '');
  if (words[0] === '#') return { id: line, options: [], comment: '', rank };
  const at = words.findIndex((word) => KEY_TYPES.has(word));
  if (at < 0 || at + 1 >= words.length) return undefined;
  return { id: words[at + 1], type: words[at], options: parseOptions(words.slice(0, at).join(' ')), comment: words.slice(at + 2).join(' '), rank };
}

/** The file's lines by id, in order: a later line with the same id replaces an earlier one, as in Ansible. */
export function parseKeyFile(content: string): Map<string, KeyLine> {
  const keys = new Map<string, KeyLine>();
  const lines = content.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((line, rank) => {
    const key = parseKey(line, rank) ?? { id: line, options: [], comment: '', rank };
    keys.delete(key.id);
    keys.set(key.id, key);
  });
  return keys;
}

function optionsKey(options: [string, string | null][]): string {
  const grouped = new Map<string, (string | null)[]>();
  for (const [name, value] of options) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  return JSON.stringify([...grouped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function sameKey(a: KeyLine, b: KeyLine): boolean {
  return a.id === b.id && a.type === b.type && a.comment === b.comment && optionsKey(a.options) === optionsKey(b.options);
}

/** The file text: lines by rank; keys rewritten as `options type blob comment` (with Ansible's trailing space when there is no comment). */
export function serializeKeys(keys: Map<string, KeyLine>): string {
  return [...keys.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((key) => {
      if (key.type === undefined) return key.id;
      const options = key.options.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join(',');
      return `${options ? `${options} ` : ''}${key.type} ${key.id} ${key.comment}\n`;
    })
    .join('');
}

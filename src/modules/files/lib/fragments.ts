import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import { decodeBase64Text, runHostScript } from '../../shared/host-script.js';
import { compilePythonRegex } from '../../shared/python-regex.js';
import { readSourceContent } from './controller-file.js';

export interface Fragment {
  name: string;
  content: Buffer;
}

export interface FragmentOptions {
  delimiter?: string;
  regexp?: string;
  ignoreHidden: boolean;
  /** The action plugin (remote_src: false) always adds a line break after the delimiter. */
  alwaysBreakAfterDelimiter: boolean;
}

/** Python's codecs.escape_decode: \\n, \\t, \\\\, \\xHH, octal and the other C escapes. */
export function escapeDecode(text: string): Buffer {
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    const next = String.fromCharCode(raw[index + 1] ?? 0);
    if (byte !== 92 || index === raw.length - 1) bytes.push(byte);
    else if (next in simple) {
      bytes.push(simple[next]);
      index += 1;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.subarray(index + 2, index + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(index + 2, index + 4).toString('latin1'), 16));
      index += 3;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(raw.subarray(index + 1, index + 4).toString('latin1'))![0];
      bytes.push(parseInt(octal, 8) & 0xff);
      index += octal.length;
    } else if (next === '\n') index += 1;
    else bytes.push(byte);
  }
  return Buffer.from(bytes);
}

/** assemble_from_fragments: fragments in name order, a line break where one is missing, the delimiter between. */
export function assemble(fragments: readonly Fragment[], options: FragmentOptions): Buffer {
  const pattern = options.regexp === undefined ? undefined : compilePythonRegex(options.regexp, 'regexp', { text: true });
  const delimiter = options.delimiter ? escapeDecode(options.delimiter) : undefined;
  const parts: Buffer[] = [];
  let first = true;
  let addNewline = false;
  for (const fragment of [...fragments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (pattern && !pattern.test(fragment.name)) continue;
    if (options.ignoreHidden && fragment.name.startsWith('.')) continue;
    if (addNewline) parts.push(Buffer.from('\n'));
    if (!first && delimiter) {
      parts.push(delimiter);
      if (options.alwaysBreakAfterDelimiter || delimiter.at(-1) !== 10) parts.push(Buffer.from('\n'));
    }
    parts.push(fragment.content);
    first = false;
    addNewline = !fragment.content.toString('latin1').endsWith('\n');
  }
  return Buffer.concat(parts);
}

/** The regular files (links followed) directly inside a controller folder, vault files decrypted unless `decrypt` is false. */
export function controllerFragments(dir: string, decrypt: boolean): Fragment[] {
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    throw new ModuleFailure(`Could not find or access '${dir}'`);
  }
  if (!stats.isDirectory()) throw new ModuleFailure(`Source (${dir}) is not a directory`);
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile())
    .map((name) => ({ name, content: readSourceContent(join(dir, name), decrypt) }));
}

const LIST_SCRIPT = `src=$1
[ -e "$src" ] || { printf 'error=Source (%s) does not exist\\n' "$src"; exit 0; }
[ -d "$src" ] || { printf 'error=Source (%s) is not a directory\\n' "$src"; exit 0; }
for f in "$src"/* "$src"/.*; do
  [ -f "$f" ] || continue
  printf 'name=%s\\ncontent=%s\\n' "$(printf '%s' "\${f##*/}" | base64 -w0)" "$(base64 -w0 < "$f")"
done
`;

/** The regular files (links followed) directly inside a folder on the target, in one round trip. */
export async function targetFragments(connection: Connection, dir: string): Promise<Fragment[]> {
  const { sections } = await runHostScript(connection, LIST_SCRIPT, [dir]);
  const output = sections[0];
  const error = output.get('error');
  if (error !== undefined) throw new ModuleFailure(error);
  const contents = output.all('content');
  return output.all('name').map((name, index) => ({ name: decodeBase64Text(name) ?? '', content: Buffer.from(contents[index] ?? '', 'base64') }));
}

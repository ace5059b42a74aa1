import { ModuleFailure } from '../../contract.js';
import { parseKey, parseKeyFile, parseOptions, sameKey, serializeKeys } from './authorized-keys.js';

export interface KeyRequest {
  /** The wanted keys, one per line (blank and # lines ignored). */
  key: string;
  state: 'present' | 'absent';
  key_options?: string;
  comment?: string;
  exclusive: boolean;
}

/** The file's new content, or undefined when it already is as asked (Ansible's enforce_state). */
export function wantedKeyFile(request: KeyRequest, existing: string): string | undefined {
  const keys = parseKeyFile(existing);
  const firstNewRank = keys.size;
  const wanted = new Set<string>();
  let write = false;
  const lines = request.key.split(/\r\n|\r|\n/).filter((line) => line !== '' && !line.startsWith('#'));
  lines.forEach((line, index) => {
    const parsed = parseKey(line, index);
    if (!parsed || parsed.type === undefined) throw new ModuleFailure(`invalid key specified: ${line}`);
    const key = {
      ...parsed,
      ...(request.key_options === undefined ? {} : { options: parseOptions(request.key_options) }),
      ...(request.comment === undefined ? {} : { comment: request.comment }),
    };
    const current = keys.get(key.id);
    const matched = current !== undefined && (request.state === 'absent' || sameKey(current, key));
    if (request.state === 'absent') {
      if (matched) {
        keys.delete(key.id);
        write = true;
      }
      return;
    }
    wanted.add(key.id);
    if (matched) return;
    // A key with other options or comment moves to the end with its new ones.
    keys.delete(key.id);
    keys.set(key.id, { ...key, rank: firstNewRank + index });
    write = true;
  });
  if (request.state === 'present' && request.exclusive) {
    for (const id of [...keys.keys()]) {
      if (wanted.has(id)) continue;
      keys.delete(id);
      write = true;
    }
  }
  return write ? serializeKeys(keys) : undefined;
}

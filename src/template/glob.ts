import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** fnmatch's translation of one path component: * ? [seq] [!seq]; everything else literal. */
function componentRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const close = pattern.indexOf(']', i + (pattern[i + 1] === '!' ? 3 : 2));
      if (close === -1) source += '\\[';
      else {
        let set = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = '^' + set.slice(1);
        else if (set.startsWith('^')) set = '\\' + set;
        source += `[${set}]`;
        i = close;
      }
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

const MAGIC = /[*?[]/;

/** Python's glob.glob for an absolute pattern: wildcards in any component, hidden names only when asked for. */
export function glob(pattern: string): string[] {
  const parts = pattern.split('/').filter((part, i) => part !== '' || i === 0);
  let matches = [pattern.startsWith('/') ? '/' : '.'];
  for (const part of parts.slice(pattern.startsWith('/') ? 1 : 0)) {
    if (!MAGIC.test(part)) {
      matches = matches.map((base) => join(base, part)).filter((path) => exists(path));
      continue;
    }
    const regex = componentRegex(part);
    matches = matches.flatMap((base) => entries(base).filter((name) => (part.startsWith('.') || !name.startsWith('.')) && regex.test(name)).map((name) => join(base, name)));
  }
  return matches.sort();
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

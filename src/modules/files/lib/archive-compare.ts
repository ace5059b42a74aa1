import { resolveMode, type ModeArg } from '../../shared/file-mode.js';
import type { ArchiveState } from './archive-read.js';

type Archive = Extract<ArchiveState, { kind: 'archive' }>;

export interface Comparison {
  /** Whether dest already holds the archive's content (Ansible's is_unarchived). */
  unarchived: boolean;
  /** The itemized changes unarchive shows for a zip under --diff (empty for tar). */
  diff: string;
}

export interface CompareOptions {
  mode?: ModeArg;
  owner?: string;
  group?: string;
  keepNewer: boolean;
  exclude: string[];
}

/** The lines of `tar --diff` that mean dest differs, as unarchive filters them (attributes it sets are left to it). */
function compareTar(archive: Archive, options: CompareOptions): Comparison {
  const differs = archive.report.split('\n').some((line) => {
    if (/: : Warning: Cannot stat: No such file or directory$/.test(line)) return false;
    if (archive.uid === 0 && !options.owner && /: Uid differs$/.test(line)) return true;
    if (archive.uid === 0 && !options.group && /: Gid differs$/.test(line)) return true;
    if (!options.mode && /: Mode differs$/.test(line)) return true;
    return /: Mod time differs$|: Warning: Cannot stat: No such file or directory$|: Invalid owner|: Invalid group/.test(line);
  });
  return { unarchived: !differs, diff: '' };
}

const permBits = (perm: string): number =>
  [...perm].reduce((bits, char, index) => {
    const on = char !== '-' && char !== 'S' && char !== 'T';
    return on ? bits | (1 << (8 - index)) : bits;
  }, 0) |
  (/[sS]/.test(perm[2]) ? 0o4000 : 0) |
  (/[sS]/.test(perm[5]) ? 0o2000 : 0) |
  (/[tT]/.test(perm[8]) ? 0o1000 : 0);

/** ZipArchive.is_unarchived: each entry of `zipinfo -T -s` against the file on disk (type, time, size, mode, owner). */
function compareZip(archive: Archive, options: CompareOptions): Comparison {
  let diff = '';
  let unarchived = true;
  for (const line of archive.report.split('\n')) {
    // Python's line.split(None, 7): seven words, then the path with its own spaces.
    const pieces = /^(\S+)\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+(.+)$/.exec(line.trim());
    if (!pieces) continue;
    const [, perm, sizeText, stamp, path] = pieces;
    if ((perm.length !== 7 && perm.length !== 10) || stamp.length !== 15 || !'dl-?'.includes(perm[0]) || !/^[rwxstah-]+$/.test(perm.slice(1))) continue;
    if (options.exclude.includes(path)) continue;
    const ftype = path.endsWith('/') ? 'd' : perm[0] === 'l' ? 'L' : 'f';
    let permstr = perm.slice(1);
    if (permstr.length === 6) permstr = path.endsWith('/') || permstr === 'rwx---' ? 'rwxrwxrwx' : 'rw-rw-rw-';
    const fileUmask = perm.length === 7 ? archive.umask : 0;
    const stat = archive.stats.get(path);
    const itemized = ['.', ftype, '.', '.', '.', '.', '.', '.', '.', '?', '?'];
    if (!stat) {
      unarchived = false;
      diff += `>${ftype}++++++.?? ${path}\n`;
      continue;
    }
    const kind = ftype === 'd' ? 'directory' : ftype === 'L' ? 'link' : 'file';
    if (stat.kind !== kind) {
      unarchived = false;
      diff += `c${ftype}++++++.?? ${path}\n`;
      continue;
    }
    let change = false;
    if (stat.kind === 'file') {
      const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)\.(\d\d)(\d\d)(\d\d)$/.exec(stamp) ?? [];
      const timestamp = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000 - archive.utcOffset;
      if (options.keepNewer && timestamp < stat.mtime) continue;
      if (options.keepNewer ? timestamp > stat.mtime : timestamp !== stat.mtime) {
        change = true;
        itemized[4] = 't';
      }
      if (Number(sizeText) !== stat.size) {
        change = true;
        itemized[3] = 's';
      }
    }
    if (ftype !== 'L') {
      const mode = options.mode !== undefined
        ? resolveMode(options.mode, { mode: stat.mode, isDirectory: stat.kind === 'directory', umask: archive.umask })
        : permBits(permstr) & ~fileUmask;
      if (mode !== (stat.mode & 0o7777)) {
        change = true;
        itemized[5] = 'p';
      }
    }
    const uid = archive.ownerUid ?? archive.uid;
    const gid = archive.groupGid ?? archive.gid;
    if (stat.uid !== uid) {
      change = true;
      itemized[6] = 'o';
    }
    if (stat.gid !== gid) {
      change = true;
      itemized[6] = 'g';
    }
    if (change) {
      unarchived = false;
      diff += `${itemized.join('')} ${path}\n`;
    }
  }
  return { unarchived, diff };
}

export function compareArchive(archive: Archive, options: CompareOptions): Comparison {
  return archive.handler === 'ZipArchive' ? compareZip(archive, options) : compareTar(archive, options);
}

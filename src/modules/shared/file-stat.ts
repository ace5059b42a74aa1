import { ModuleFailure } from '../contract.js';

/**
 * Shell fragment: `F` is the stat(1) format that parseStat reads (GNU coreutils). The owner name comes
 * first and the group name last, so a script can tell by pattern matching whether a name it must
 * resolve already owns a path it stat'ed (a line starting `NAME|` or ending `|NAME`).
 */
export const STAT_FORMAT_SH = "F='%U|%f|%u|%g|%s|%h|%i|%d|%b|%o|%t|%T|%.9X|%.9Y|%.9Z|%G'\n";

export type FileKind = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'char' | 'block';

export interface FileStat {
  kind: FileKind;
  /** Permission bits, including setuid/setgid/sticky (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  nlink: number;
  inode: number;
  dev: number;
  blocks: number;
  blockSize: number;
  rdev: number;
  atime: number;
  mtime: number;
  ctime: number;
}

const KINDS: Record<number, FileKind> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o010000: 'fifo',
  0o140000: 'socket',
  0o020000: 'char',
  0o060000: 'block',
};

/** Reads one line printed by `stat -c "$F"`. */
export function parseStat(line: string | undefined): FileStat {
  const fields = (line ?? '').split('|');
  if (fields.length < 16) throw new ModuleFailure(`could not read file status from the host: ${line ?? '(nothing printed)'}`);
  const [owner, rawMode, uid, gid, size, nlink, inode, dev, blocks, blockSize, major, minor, atime, mtime, ctime] = fields;
  const group = fields.slice(15).join('|');
  const modeBits = parseInt(rawMode, 16);
  const majorNumber = parseInt(major, 16);
  const minorNumber = parseInt(minor, 16);
  return {
    kind: KINDS[modeBits & 0o170000] ?? 'file',
    mode: modeBits & 0o7777,
    uid: Number(uid),
    gid: Number(gid),
    owner: owner === 'UNKNOWN' ? uid : owner,
    group: group === 'UNKNOWN' ? gid : group,
    size: Number(size),
    nlink: Number(nlink),
    inode: Number(inode),
    dev: Number(dev),
    blocks: Number(blocks),
    blockSize: Number(blockSize),
    // Linux's makedev() encoding, as Python's st_rdev reports it.
    rdev: (minorNumber & 0xff) | ((majorNumber & 0xfff) << 8) | ((minorNumber & ~0xff) * 4096) | ((majorNumber & ~0xfff) * 2 ** 32),
    atime: Number(atime),
    mtime: Number(mtime),
    ctime: Number(ctime),
  };
}

/** Ansible's spelling of a mode: '0644', '01777'. */
export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export type PathState = 'file' | 'directory' | 'link' | 'hard' | 'absent';

/** The file module's name for what is at a path (lstat-based: a symlink is 'link'). */
export function pathState(stat: FileStat | undefined): PathState {
  if (!stat) return 'absent';
  if (stat.kind === 'link') return 'link';
  if (stat.kind === 'directory') return 'directory';
  return stat.nlink > 1 ? 'hard' : 'file';
}

/** The fields Ansible adds to every result about a path (AnsibleModule.add_path_info). */
export function pathInfo(stat: FileStat): Record<string, unknown> {
  return {
    uid: stat.uid,
    gid: stat.gid,
    owner: stat.owner,
    group: stat.group,
    mode: formatMode(stat.mode),
    state: pathState(stat),
    size: stat.size,
  };
}

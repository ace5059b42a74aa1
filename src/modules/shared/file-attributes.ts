import { ModuleFailure, type FileDiff } from '../contract.js';
import { chmodText, resolveMode, type ModeArg } from './file-mode.js';
import { formatMode, type FileStat } from './file-stat.js';
import type { HostProbe } from './probe.js';

export interface AttributeArgs {
  mode?: ModeArg;
  owner?: string;
  group?: string;
}

/** What to hand the SET_ATTRIBUTES_SH function: '' leaves that attribute alone. */
export interface AttributeChange {
  changed: boolean;
  mode: string;
  owner: string;
  group: string;
  /** Ansible's file-attribute diff: only the attributes that differ. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export const NO_ATTRIBUTE_CHANGE: AttributeChange = { changed: false, mode: '', owner: '', group: '', before: {}, after: {} };

/**
 * Shell fragment: `set_attrs PATH MODE OWNER GROUP RECURSE NOFOLLOW` runs chown/chgrp/chmod for the
 * non-empty values (owner before mode, as chown may clear setuid bits).
 */
export const SET_ATTRIBUTES_SH = `set_attrs() {
  r=; [ "$5" = 1 ] && r=-R
  h=; [ "$6" = 1 ] && h=-h
  if [ -n "$3" ]; then chown $r $h -- "$3" "$1" || return 1; fi
  if [ -n "$4" ]; then chgrp $r $h -- "$4" "$1" || return 1; fi
  if [ -n "$2" ]; then chmod $r -- "$2" "$1" || return 1; fi
}
`;

/** The permission bits a path gets when created under this umask. */
function createdMode(isDirectory: boolean, umask: number): number {
  return (isDirectory ? 0o777 : 0o666) & ~umask;
}

function wantedId(name: string | undefined, resolved: number | null | undefined, what: 'user' | 'group', check: boolean): number | undefined {
  if (name === undefined || resolved !== null) return resolved ?? undefined;
  // Like Ansible: in check mode the user may be created by an earlier task that did not run.
  if (check) return undefined;
  throw new ModuleFailure(`chown failed: failed to look up ${what} ${name}`);
}

/** What the task's own file or folder will look like right after it creates it. */
function createdStat(probe: HostProbe, isDirectory: boolean): FileStat {
  return {
    kind: isDirectory ? 'directory' : 'file',
    mode: createdMode(isDirectory, probe.umask),
    uid: probe.uid,
    gid: probe.gid,
    owner: String(probe.uid),
    group: String(probe.gid),
    size: 0,
    nlink: 1,
    inode: 0,
    dev: 0,
    blocks: 0,
    blockSize: 0,
    rdev: 0,
    atime: 0,
    mtime: 0,
    ctime: 0,
  };
}

/**
 * Compares mode/owner/group arguments with a path's status. `current` undefined means the task
 * creates the path: it is compared as created (umask mode, the connecting user's ids), without a diff.
 */
export interface AttributeOptions {
  /** The path is a directory to be created (its default mode differs). */
  isDirectory?: boolean;
  /** Show a new file's attribute changes in the diff, from the defaults it is created with (file, lineinfile). */
  newFileDiff?: boolean;
}

export function planAttributes(args: AttributeArgs, current: FileStat | undefined, probe: HostProbe, check: boolean, options: AttributeOptions = {}): AttributeChange {
  // Ansible only looks the names up when it sets them on a path that is there: a path check mode would create is not.
  const uid = wantedId(args.owner, probe.ownerUid, 'user', check && current === undefined);
  const gid = wantedId(args.group, probe.groupGid, 'group', check && current === undefined);
  const stat = current ?? createdStat(probe, options.isDirectory ?? false);
  const mode = args.mode === undefined ? undefined : resolveMode(args.mode, { mode: stat.mode, isDirectory: stat.kind === 'directory', umask: probe.umask });
  const change: AttributeChange = { changed: false, mode: '', owner: '', group: '', before: {}, after: {} };
  const record = (key: string, before: unknown, after: unknown) => {
    if (current || options.newFileDiff) [change.before[key], change.after[key]] = [before, after];
  };
  if (mode !== undefined && stat.mode !== mode) {
    change.mode = formatMode(mode);
    record('mode', formatMode(stat.mode), formatMode(mode));
  }
  if (args.owner !== undefined && (uid === undefined || stat.uid !== uid)) {
    change.owner = args.owner;
    record('owner', stat.uid, uid ?? args.owner);
  }
  if (args.group !== undefined && (gid === undefined || stat.gid !== gid)) {
    change.group = args.group;
    record('group', stat.gid, gid ?? args.group);
  }
  change.changed = change.mode !== '' || change.owner !== '' || change.group !== '';
  return change;
}

/**
 * Whether anything under a directory needs a new mode/owner/group (recurse). Links are skipped for
 * the mode, as chmod -R does. Returns the values chmod/chown -R apply to the whole tree.
 */
export function planTreeAttributes(args: AttributeArgs, entries: readonly FileStat[], probe: HostProbe, check: boolean): AttributeChange {
  const uid = wantedId(args.owner, probe.ownerUid, 'user', check);
  const gid = wantedId(args.group, probe.groupGid, 'group', check);
  const modeDiffers = (entry: FileStat) =>
    args.mode !== undefined && entry.kind !== 'link' && resolveMode(args.mode, { mode: entry.mode, isDirectory: entry.kind === 'directory', umask: probe.umask }) !== entry.mode;
  const changed = entries.some(
    (entry) => modeDiffers(entry) || (args.owner !== undefined && entry.uid !== uid) || (args.group !== undefined && entry.gid !== gid),
  );
  if (!changed) return NO_ATTRIBUTE_CHANGE;
  return { changed, mode: args.mode === undefined ? '' : chmodText(args.mode), owner: args.owner ?? '', group: args.group ?? '', before: {}, after: {} };
}

/** Renders Ansible's dict diffs ({path, state, mode ...}) as the JSON its callback prints. */
export function fieldsDiff(before: Record<string, unknown>, after: Record<string, unknown>, header?: string): FileDiff {
  // As Ansible's callback prints a dict diff: JSON with sorted keys, indented by 4.
  const text = (fields: Record<string, unknown>) => `${JSON.stringify(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))), null, 4)}\n`;
  return { before: text(before), after: text(after), ...(header ? { beforeHeader: header, afterHeader: header } : {}) };
}

/** The "(file attributes)" diff Ansible adds after a content diff, when an attribute changes. */
export function attributesDiff(path: string, change: AttributeChange, withPath: boolean): FileDiff[] {
  if (Object.keys(change.before).length === 0) return [];
  const named = (fields: Record<string, unknown>) => (withPath ? { ...fields, path } : fields);
  return [fieldsDiff(named(change.before), named(change.after), `${path} (file attributes)`)];
}

import { posix } from 'node:path';
import type { Connection } from '../../connection/types.js';
import { ModuleFailure } from '../contract.js';
import { attributeFailure } from './attribute-failure.js';
import { SET_ATTRIBUTES_SH, type AttributeChange } from './file-attributes.js';
import { STAT_FORMAT_SH, parseStat, type FileStat } from './file-stat.js';
import { runHostScript } from './host-script.js';
import { preloadScript } from '../../connection/driver.js';

/** What the file module does to a path, each in one round trip. */
export type FileOperation =
  | { kind: 'touch' }
  | { kind: 'attributes'; recurse: boolean }
  /** Creates each missing folder of `folders` (parents first), giving new ones the attributes. */
  | { kind: 'directory'; folders: string[] }
  | { kind: 'symlink'; src: string }
  | { kind: 'hardlink'; src: string };

/** When to set a path's times: '' leaves one alone, 'now' is the current time, '@EPOCH' a given one. */
export interface TimesToSet {
  mtime: string;
  atime: string;
}

/** Shell fragment: `set_times PATH MTIME ATIME`; both now is a plain touch, which needs no ownership of the file (as Ansible's utime(None)). */
const SET_TIMES_SH = `set_times() {
  if [ "$2" = now ] && [ "$3" = now ]; then touch -c -- "$1"; return; fi
  if [ -n "$2" ]; then touch -c -m -d "$2" -- "$1"; fi
  if [ -n "$3" ]; then touch -c -a -d "$3" -- "$1"; fi
}
`;

/*
 * Links replace an existing path atomically: link to a temp name in the same folder, then rename
 * over the old path (an empty folder is removed first, as Ansible does with force).
 */
const FILE_OPS_SCRIPT = `${STAT_FORMAT_SH}${SET_ATTRIBUTES_SH}${SET_TIMES_SH}set -e
op=$1 p=$2 d=$3 src=$4 mode=$5 owner=$6 group=$7 recurse=$8 nofollow=$9 mtime=\${10} atime=\${11}
shift 11
case $op in
  touch)
    if [ -e "$p" ]; then set_attrs "$p" "$mode" "$owner" "$group" 0 "$nofollow"
    else
      : > "$p"
      # As Ansible, a file the touch created is removed again when its owner or mode cannot be set.
      set_attrs "$p" "$mode" "$owner" "$group" 0 "$nofollow" || { rm -f -- "$p"; exit 1; }
    fi ;;
  attributes)
    if [ "$recurse" = 1 ] && [ "$nofollow" = 0 ]; then
      # As Ansible's recursion with follow: what the links inside point at is set too (a link given to chown or chmod is followed).
      [ -z "$owner" ] || find -L "$p" ! -type l -exec chown -- "$owner" {} +
      [ -z "$group" ] || find -L "$p" ! -type l -exec chgrp -- "$group" {} +
      [ -z "$mode" ] || find -L "$p" ! -type l -exec chmod -- "$mode" {} +
    else set_attrs "$p" "$mode" "$owner" "$group" "$recurse" "$nofollow"
    fi ;;
  directory)
    for d do
      [ -e "$d" ] || { mkdir -- "$d"; set_attrs "$d" "$mode" "$owner" "$group" 0 0; }
    done ;;
  symlink|hardlink)
    s=; [ "$op" = symlink ] && s=-s
    if [ -e "$p" ] || [ -L "$p" ]; then
      t="$d/.betif.$$.tmp"
      if [ -e "$t" ] || [ -L "$t" ]; then rm -f -- "$t"; fi
      trap 'rm -f -- "$t"' EXIT
      ln $s -- "$src" "$t"
      if [ -d "$p" ] && [ ! -L "$p" ]; then rmdir -- "$p"; fi
      mv -fT -- "$t" "$p"
      trap - EXIT
    else
      ln $s -- "$src" "$p"
    fi
    set_attrs "$p" "$mode" "$owner" "$group" 0 "$nofollow" ;;
esac
set_times "$p" "$mtime" "$atime"
printf 'stat=%s\\n' "$(stat -c "$F" -- "$p")"
`;

// Every file, folder and link change goes through this script: every driver defines it from the start.
preloadScript(FILE_OPS_SCRIPT);

/** Runs one operation; returns the path's status afterwards. */
export async function runFileOperation(
  connection: Connection,
  path: string,
  operation: FileOperation,
  attributes: AttributeChange,
  noFollow = false,
  times: TimesToSet = { mtime: '', atime: '' },
): Promise<FileStat> {
  const src = operation.kind === 'symlink' || operation.kind === 'hardlink' ? operation.src : '';
  const recurse = operation.kind === 'attributes' && operation.recurse;
  const folders = operation.kind === 'directory' ? operation.folders : [];
  const args = [operation.kind, path, posix.dirname(path), src, attributes.mode, attributes.owner, attributes.group, recurse ? '1' : '0', noFollow ? '1' : '0', times.mtime, times.atime, ...folders];
  const { sections } = await runHostScript(connection, FILE_OPS_SCRIPT, args).catch((error: unknown) => {
    throw error instanceof ModuleFailure ? attributeFailure(error) : error;
  });
  return parseStat(sections[0].get('stat'));
}

/** Removes a file, link or whole folder tree. */
export async function removePath(connection: Connection, path: string): Promise<void> {
  await runHostScript(connection, 'rm -rf -- "$1"', [path]);
}

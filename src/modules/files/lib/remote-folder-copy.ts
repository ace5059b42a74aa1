import { posix } from 'node:path';
import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type Plan } from '../../contract.js';
import { shellScript } from '../../../connection/quote.js';
import { runHostScript } from '../../shared/host-script.js';

/*
 * copy with remote_src and a folder src, as Ansible's copy module does it on the host: "src/" puts what is
 * inside src into dest, "src" the folder itself (dest/NAME); folders missing there are made, files missing or
 * with other content are copied, each with its source's permissions; nothing is removed. Links in src are followed
 * only with local_follow set to true, else copied as links (shutil.copytree's symlinks: the module has no default).
 */

export interface RemoteFolderEntry {
  /** Relative to the source folder. */
  rel: string;
  kind: 'directory' | 'file' | 'link';
  /** Permission bits in octal, as stat prints them; for a link, what it points at. */
  mode: string;
  /** Whether dest already has it (the same content, for a file). */
  present: boolean;
}

export interface RemoteFolderCopy {
  src: string;
  dest: string;
  /** The folder the entries go into: dest, or dest/NAME when src has no trailing slash. */
  target: string;
  targetExists: boolean;
  /** Whether dest was a folder before the copy: Ansible's result then names dest/NAME (dest/ for "src/"). */
  destIsFolder: boolean;
  /** The source folder's mode: a new target gets it when it is a copy of src itself ("src/" into a new dest). */
  sourceMode: string;
  /** owner and group given to the whole target (Ansible's chown_recursive), and whether something there has others. */
  owner?: string;
  group?: string;
  ownershipDiffers: boolean;
  entries: RemoteFolderEntry[];
}

/**
 * Prints `K\0kind` of src, then for a folder `T\0y|n` (target), `D\0y|n` (dest), `M\0mode` and one
 * `O\0y|n` (whether something in the target is not owned by owner $5 / group $6, when given) and one
 * `kind\0rel\0mode\0present` record per entry, parents first. $4 is -L to follow links, else -P.
 */
const READ_SCRIPT = `src=$1 target=$2
if [ ! -e "$src" ]; then printf 'K\\0missing\\0'; exit 0; fi
if [ ! -d "$src" ]; then printf 'K\\0file\\0'; exit 0; fi
printf 'K\\0directory\\0'
if [ -d "$target" ]; then printf 'T\\0y\\0'; else printf 'T\\0n\\0'; fi
if [ -d "$3" ]; then printf 'D\\0y\\0'; else printf 'D\\0n\\0'; fi
printf 'M\\0%s\\0' "$(stat -L -c %a -- "$src")"
found=
if [ -d "$target" ]; then
  if [ -n "$5" ] && [ -n "$6" ]; then found=$(find "$target" \\( ! -user "$5" -o ! -group "$6" \\) -print -quit)
  elif [ -n "$5" ]; then found=$(find "$target" ! -user "$5" -print -quit)
  elif [ -n "$6" ]; then found=$(find "$target" ! -group "$6" -print -quit); fi
fi
if [ -n "$found" ]; then printf 'O\\0y\\0'; else printf 'O\\0n\\0'; fi
# The entries are compared from inside src: a relative target is relative to where the module started.
case $target in /*) ;; *) target=$PWD/$target ;; esac
cd -- "$src" || exit 1
find "$4" . -mindepth 1 \\( -type l -printf 'link\\0%P\\0%l\\0' -exec sh -c '[ -L "$1/$2" ] && [ "$(readlink -- "$1/$2")" = "$(readlink -- "$2")" ] && printf "y\\0" || printf "n\\0"' sh "$target" {} \\; \\) \\
  -o \\( -type d -printf 'directory\\0%P\\0%m\\0' -exec sh -c '[ -d "$1/$2" ] && printf "y\\0" || printf "n\\0"' sh "$target" {} \\; \\) \\
  -o \\( -type f -printf 'file\\0%P\\0%m\\0' -exec sh -c 'cmp -s -- "$2" "$1/$2" 2>/dev/null && printf "y\\0" || printf "n\\0"' sh "$target" {} \\; \\)
`;

/**
 * Args: src target topmode owner:group, then kind rel mode triples; makes the target (with topmode if given) and
 * each entry, then gives everything in the target the owner and group (chown's USER, USER:GROUP or :GROUP; empty for none).
 */
const APPLY_SCRIPT = `src=$1 target=$2 topmode=$3 ownership=$4; shift 4
if [ ! -d "$target" ]; then mkdir -p -- "$target" || exit 1; [ -z "$topmode" ] || chmod "$topmode" -- "$target" || exit 1; fi
while [ $# -gt 0 ]; do
  kind=$1 rel=$2 mode=$3; shift 3
  if [ "$kind" = directory ]; then mkdir -p -- "$target/$rel" && chmod "$mode" -- "$target/$rel"
  elif [ "$kind" = link ]; then rm -f -- "$target/$rel" && ln -s -- "$mode" "$target/$rel"
  else cp -- "$src/$rel" "$target/$rel" && chmod "$mode" -- "$target/$rel"; fi || exit 1
done
[ -z "$ownership" ] || chown -R -h -- "$ownership" "$target"
`;

export interface RemoteFolderRequest {
  src: string;
  dest: string;
  followLinks: boolean;
  owner?: string;
  group?: string;
}

/** What is at src on the host, and for a folder what copying it to dest would do; undefined when src is not a folder. */
export async function readRemoteFolderCopy(connection: Connection, { src, dest, followLinks, owner, group }: RemoteFolderRequest): Promise<RemoteFolderCopy | undefined> {
  const contentsOnly = src.endsWith('/');
  const folder = src.replace(/\/+$/, '') || '/';
  const target = contentsOnly ? dest : posix.join(dest, posix.basename(folder));
  const result = await connection.exec(shellScript(READ_SCRIPT, [folder, target, dest, followLinks ? '-L' : '-P', owner ?? '', group ?? '']));
  if (result.rc !== 0) throw new ModuleFailure(result.stderr.trim() || `could not read ${src}`, { rc: result.rc });
  const fields = result.stdout.split('\0');
  if (fields[1] !== 'directory') return undefined;
  const entries: RemoteFolderEntry[] = [];
  for (let at = 10; at + 3 < fields.length; at += 4) {
    entries.push({ kind: fields[at] as RemoteFolderEntry['kind'], rel: fields[at + 1], mode: fields[at + 2], present: fields[at + 3] === 'y' });
  }
  return { src, dest, target, targetExists: fields[3] === 'y', destIsFolder: fields[5] === 'y', sourceMode: fields[7], owner, group, ownershipDiffers: fields[9] === 'y', entries };
}

/** os.path.basename: what follows the last slash ("" for "dir/"). */
function pythonBasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function planRemoteFolderCopy(copy: RemoteFolderCopy, connection: Connection): Plan {
  const missing = copy.entries.filter((entry) => !entry.present);
  const topMode = copy.src.endsWith('/') ? copy.sourceMode : '';
  return {
    changed: !copy.targetExists || missing.length > 0 || ((copy.owner !== undefined || copy.group !== undefined) && copy.ownershipDiffers),
    result: { dest: copy.destIsFolder ? `${copy.dest.replace(/\/*$/, '/')}${pythonBasename(copy.src)}` : copy.dest, src: copy.src },
    apply: async () => {
      const ownership = copy.owner && copy.group ? `${copy.owner}:${copy.group}` : copy.owner ?? (copy.group ? `:${copy.group}` : '');
      const args = [copy.src.replace(/\/+$/, '') || '/', copy.target, topMode, ownership, ...missing.flatMap((entry) => [entry.kind, entry.rel, entry.mode])];
      await runHostScript(connection, APPLY_SCRIPT, args);
      return {};
    },
  };
}

import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';

/*
 * The files of a controller folder that `copy` puts on the host, walked as Ansible's copy action does it
 * (its _walk_dirs): `src/` copies what is inside the folder, `src` the folder itself (the paths start
 * with its name). Symlinks are followed with local_follow (a link back into the tree stays a link);
 * without it they are copied as links.
 */

export interface TreeEntry {
  /** The path on the controller. */
  source: string;
  /** Where it goes, relative to dest. */
  rel: string;
}

export interface ControllerTree {
  files: TreeEntry[];
  directories: TreeEntry[];
  /** `source` is what the link points at, as written. */
  symlinks: TreeEntry[];
}

const identity = (path: string): string => {
  const stats = statSync(path);
  return `${stats.dev}:${stats.ino}`;
};

function isLink(path: string): boolean {
  return lstatSync(path).isSymbolicLink();
}

/** The file a link leads to, if it leads to a file (a broken or looping link leads nowhere: it is copied as a link). */
function linkedFile(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export function walkControllerTree(top: string, contentsOnly: boolean, localFollow: boolean): ControllerTree {
  const tree: ControllerTree = { files: [], directories: [], symlinks: [] };

  /** The folders above `folder` up to one already in the copy: a link to one of them would loop. */
  const ancestorsUpToCopy = (folder: string, inCopy: Set<string>): Set<string> => {
    const found = new Set<string>();
    for (let parent = folder; ; parent = dirname(parent)) {
      const id = identity(parent);
      if (inCopy.has(id)) break;
      found.add(id);
      if (parent === dirname(parent)) break;
    }
    return found;
  };

  // os.walk: a folder's files, then its subfolders (links to folders are listed, not entered).
  const walk = (folder: string, relBase: string, inCopy: Set<string>): void => {
    const names = readdirSync(folder).sort();
    const isFolder = (name: string) => {
      try {
        return statSync(join(folder, name)).isDirectory();
      } catch {
        return false;
      }
    };
    for (const name of names.filter((each) => !isFolder(each))) {
      const path = join(folder, name);
      const rel = posix.join(relBase, name);
      const followed = localFollow && isLink(path) ? linkedFile(path) : undefined;
      if (!isLink(path)) tree.files.push({ source: path, rel });
      else if (followed) tree.files.push({ source: followed, rel });
      else tree.symlinks.push({ source: readlinkSync(path), rel });
    }
    const subfolders = names.filter(isFolder);
    for (const name of subfolders) {
      const path = join(folder, name);
      const rel = posix.join(relBase, name);
      if (!isLink(path)) {
        tree.directories.push({ source: path, rel });
        walk(path, rel, inCopy);
        continue;
      }
      if (!localFollow) {
        tree.symlinks.push({ source: readlinkSync(path), rel });
        continue;
      }
      const real = realpathSync(path);
      const newParents = ancestorsUpToCopy(dirname(path), inCopy);
      if (inCopy.has(identity(real)) || newParents.has(identity(real))) {
        tree.symlinks.push({ source: readlinkSync(path), rel });
      } else {
        tree.directories.push({ source: real, rel });
        walk(real, rel, new Set([...inCopy, ...newParents]));
      }
    }
  };

  const topFolder = contentsOnly ? top.replace(/\/+$/, '') : top;
  walk(topFolder, contentsOnly ? '' : basename(topFolder), new Set([identity(topFolder)]));
  return tree;
}

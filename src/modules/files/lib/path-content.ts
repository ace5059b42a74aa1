import { posix } from 'node:path';
import { shellScript } from '../../../connection/quote.js';
import type { Connection } from '../../../connection/types.js';

/** What Ansible's file module lists under diff.before.path_content when state=absent removes a folder. */
export interface PathContent {
  directories: string[];
  files: string[];
}

/** Every entry under the folder, NUL-terminated, each led by its type after links (`d` for a folder, as os.walk counts a link to one). */
const LIST_SCRIPT = `find "$1" -mindepth 1 -printf '%Y%p\\0'`;

/**
 * The folder's content in os.walk's order (top-down, each folder's own entries before those of its subfolders),
 * rebuilt from find's depth-first listing: entries of one folder keep the order find (readdir) gave them.
 */
export async function pathContent(connection: Connection, path: string): Promise<PathContent> {
  const result = await connection.exec(shellScript(LIST_SCRIPT, [path]));
  const entries = result.stdout.split('\0').filter(Boolean).map((line) => ({ isDirectory: line[0] === 'd', path: line.slice(1) }));
  const children = new Map<string, typeof entries>();
  for (const entry of entries) {
    const parent = posix.dirname(entry.path);
    children.set(parent, [...(children.get(parent) ?? []), entry]);
  }
  const content: PathContent = { directories: [], files: [] };
  const walk = (folder: string): void => {
    const inside = children.get(folder) ?? [];
    const folders = inside.filter((entry) => entry.isDirectory).map((entry) => entry.path);
    content.directories.push(...folders);
    content.files.push(...inside.filter((entry) => !entry.isDirectory).map((entry) => entry.path));
    for (const sub of folders) walk(sub);
  };
  walk(path.replace(/(.)\/+$/, '$1'));
  return content;
}

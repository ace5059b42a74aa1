import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { ANSIBLE_YAML } from '../../../yaml/pyyaml.js';
import type { TaskOrigin } from '../../contract.js';

/** A vars file that could not be used, with Ansible's message. */
export class VarsFileError extends Error {}

/**
 * Where include_vars looks for a relative file, in order, as Ansible's search stack gives it: the role's vars/
 * and folder, the task file's folder (with vars/), then the playbook's folder (with vars/). `vars/x` is not
 * looked for under another vars/.
 */
export function varsFileCandidates(origin: TaskOrigin, file: string): string[] {
  if (isAbsolute(file)) return [file];
  const underVars = file.split('/')[0] === 'vars';
  const folders = [...(origin.rolePath ? [origin.rolePath] : []), origin.taskDir, origin.playbookDir];
  return folders.flatMap((folder) => [...(underVars ? [] : [join(folder, 'vars', file)]), join(folder, file)]);
}

/** include_vars' `dir`: under the role's vars/ (or the role's own `vars/...`), else beside the task's file. */
export function varsDirectory(origin: TaskOrigin, dir: string): string {
  if (!origin.rolePath) return join(origin.taskDir, dir);
  if (dir.split('/')[0] === 'vars' && existsSync(join(origin.rolePath, dir))) return join(origin.rolePath, dir);
  return join(origin.rolePath, 'vars', dir);
}

/** A YAML or JSON vars file as a mapping (an empty file is an empty mapping). */
export function loadVarsFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  if (text.startsWith('$ANSIBLE_VAULT')) throw new VarsFileError(`${path} is vault-encrypted, which betif-play cannot read`);
  let data: unknown;
  try {
    data = parse(text, { ...ANSIBLE_YAML, uniqueKeys: false });
  } catch (error) {
    throw new VarsFileError(`Syntax Error while loading YAML in ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!data) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new VarsFileError(`${path} must be stored as a dictionary/hash`);
  return data as Record<string, unknown>;
}

/**
 * The folders of a tree with their files, sorted by path as Python's sorted(os.walk()) gives them; with a
 * depth, only that many of the first folders (what ansible-core 2.14 does).
 */
export function walkSorted(root: string, depth: number): { dir: string; files: string[] }[] {
  const found: { dir: string; files: string[] }[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    found.push({ dir, files: entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name).sort() });
    for (const entry of entries) if (entry.isDirectory()) visit(join(dir, entry.name));
  };
  visit(root);
  found.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return depth > 0 ? found.slice(0, depth) : found;
}

export function hasExtension(file: string, extensions: readonly string[]): boolean {
  return extensions.includes(extname(file).slice(1));
}

export function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}

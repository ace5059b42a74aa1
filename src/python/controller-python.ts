import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

let python: string | undefined;

/** The controller's python3 (the first on PATH): ansible_playbook_python, and the implicit localhost's interpreter. */
export function controllerPython(): string {
  python ??= (process.env.PATH ?? '').split(delimiter).map((folder) => join(folder, 'python3')).find((candidate) => existsSync(candidate)) ?? '/usr/bin/python3';
  return python;
}

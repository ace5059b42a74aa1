import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompatCase } from './case.js';

/**
 * The lab's inventory.ini lines of the given hosts, renamed h1, h2, ... in order: each tool gets its own
 * hosts, under the same names, so that outputs and files compare name by name.
 */
export function connectionLines(inventory: string, labNames: string[]): string[] {
  const lines = new Map<string, string>();
  for (const line of inventory.split('\n')) {
    const name = /^(h\d+)\s/.exec(line)?.[1];
    if (name) lines.set(name, line);
  }
  return labNames.map((labName, index) => {
    const line = lines.get(labName);
    if (!line) throw new Error(`the lab inventory has no ${labName}`);
    return line.replace(/^h\d+/, `h${index + 1}`);
  });
}

/**
 * Copies the case into `into` and writes inventory/hosts.ini: the connection lines of the case's hosts,
 * then the case's own inventory/hosts.ini fragment (groups, children, vars).
 */
export function prepareWorkspace(compatCase: CompatCase, connections: string[], into: string): string {
  mkdirSync(into, { recursive: true });
  cpSync(compatCase.dir, into, { recursive: true });
  const fragmentPath = join(into, 'inventory', 'hosts.ini');
  const fragment = existsSync(fragmentPath) ? readFileSync(fragmentPath, 'utf8') : '';
  mkdirSync(join(into, 'inventory'), { recursive: true });
  writeFileSync(fragmentPath, `${connections.slice(0, compatCase.spec.hosts).join('\n')}\n\n${fragment}`);
  return into;
}

/** ansible.cfg for the reference runs: the lab's known_hosts enforced, pipelining and ControlPersist on. */
export function writeAnsibleConfig(dir: string, knownHostsPath: string, controlPathDir: string): string {
  const path = join(dir, 'ansible.cfg');
  mkdirSync(controlPathDir, { recursive: true });
  writeFileSync(
    path,
    [
      '[defaults]',
      'host_key_checking = True',
      'interpreter_python = /usr/bin/python3',
      'nocolor = True',
      'retry_files_enabled = False',
      'deprecation_warnings = False',
      'forks = 20',
      '',
      '[ssh_connection]',
      'pipelining = True',
      `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${knownHostsPath} -o StrictHostKeyChecking=yes`,
      `control_path_dir = ${controlPathDir}`,
      '',
    ].join('\n'),
  );
  return path;
}

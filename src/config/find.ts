import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface FoundConfig {
  path?: string;
  warnings: string[];
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The one ansible.cfg Ansible reads (files are never merged): ANSIBLE_CONFIG (a file, or a folder holding
 * ansible.cfg), ./ansible.cfg unless the working folder is world-writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg.
 */
export function findConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): FoundConfig {
  const candidates: string[] = [];
  let fromEnvironment: string | undefined;
  if (env.ANSIBLE_CONFIG !== undefined) {
    fromEnvironment = resolve(cwd, expandHome(env.ANSIBLE_CONFIG));
    if (existsSync(fromEnvironment) && statSync(fromEnvironment).isDirectory()) fromEnvironment = join(fromEnvironment, 'ansible.cfg');
    candidates.push(fromEnvironment);
  }
  let worldWritableSkipped = false;
  const local = join(cwd, 'ansible.cfg');
  try {
    if (statSync(cwd).mode & 0o002) worldWritableSkipped = existsSync(local);
    else candidates.push(local);
  } catch {
    // A working folder that cannot be examined has no ansible.cfg to offer.
  }
  candidates.push(join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  const path = candidates.find(readable);
  const warnings: string[] = [];
  if (worldWritableSkipped && (fromEnvironment === undefined || path !== fromEnvironment)) {
    warnings.push(
      `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`,
    );
  }
  return { path, warnings };
}

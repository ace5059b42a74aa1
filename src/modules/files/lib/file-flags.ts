import type { Connection } from '../../../connection/types.js';
import { ModuleFailure, type Plan } from '../../contract.js';

/*
 * The file module's `attributes` (chattr flags), as Ansible's set_attributes_if_different decides: the flags lsattr
 * shows are compared as text with the wanted ones ("+A" and "=A" compare "A"; "-A" always runs chattr), and chattr
 * runs with the operator and flags as given.
 */

export interface WantedFlags {
  operator: '+' | '-' | '=';
  flags: string;
}

export function wantedFlags(attributes: string): WantedFlags {
  const operator = attributes.startsWith('+') || attributes.startsWith('-') ? (attributes[0] as '+' | '-') : '=';
  return { operator, flags: operator === '=' ? attributes : attributes.slice(1) };
}

/** lsattr's flags of a path without the dashes; '' when lsattr cannot tell (Ansible's default). */
export async function readFlags(connection: Connection, path: string): Promise<string> {
  const result = await connection.exec(['lsattr', '-d', '--', path]);
  if (result.rc !== 0) return '';
  return (result.stdout.split(/\s+/).find((word) => word !== '') ?? '').replaceAll('-', '');
}

export function flagsDiffer(wanted: WantedFlags, current: string): boolean {
  return current !== wanted.flags || wanted.operator === '-';
}

async function setFlags(connection: Connection, path: string, wanted: WantedFlags): Promise<void> {
  const result = await connection.exec(['chattr', `${wanted.operator}${wanted.flags}`, path]);
  if (result.rc !== 0 || result.stderr !== '') {
    throw new ModuleFailure('chattr failed', { path, details: `Error while setting attributes: ${result.stdout}${result.stderr}` });
  }
}

/**
 * The plan with the flags set after it: `current` is what lsattr showed before the task, undefined when the path
 * does not exist yet (then they are read once it is made; in check mode that counts as a change, as in Ansible).
 */
export function withFlags(plan: Plan, connection: Connection, path: string, wanted: WantedFlags, current: string | undefined): Plan {
  const flagsChange = current === undefined || flagsDiffer(wanted, current);
  if (!flagsChange) return plan;
  return {
    ...plan,
    changed: true,
    apply: async () => {
      const applied = plan.changed && plan.apply ? await plan.apply() : {};
      const now = current ?? (await readFlags(connection, path));
      if (current !== undefined || flagsDiffer(wanted, now)) await setFlags(connection, path, wanted);
      return { ...applied, changed: true };
    },
  };
}

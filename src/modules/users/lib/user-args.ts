import { ModuleFailure } from '../../contract.js';
import type { AccountState, GroupEntry } from './accounts.js';

export interface UserArgs {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  non_unique: boolean;
  group?: string;
  groups?: string[] | string;
  comment?: string;
  home?: string;
  shell?: string;
  password?: string;
  update_password: 'always' | 'on_create';
  password_lock?: boolean;
  force: boolean;
  remove: boolean;
  create_home: boolean;
  skeleton?: string;
  system: boolean;
  move_home: boolean;
  append: boolean;
}

/**
 * `groups` as Ansible reads it: a list, or text split on commas; undefined when not given, [] for
 * "no supplementary groups" (groups: '' or []).
 */
export function requestedGroups(args: Pick<UserArgs, 'groups'>): string[] | undefined {
  if (args.groups === undefined) return undefined;
  const words = (Array.isArray(args.groups) ? args.groups.join(',') : args.groups).split(',');
  return [...new Set(words.filter((word) => word !== '').map((word) => word.trim()))];
}

/** The groups to look up on the host: the primary one and each supplementary one. */
export function groupsToLookUp(args: UserArgs): string[] {
  return [...(args.group === undefined ? [] : [args.group]), ...(requestedGroups(args) ?? [])];
}

export function existingGroup(state: AccountState, group: string): GroupEntry {
  const entry = state.groups.get(group);
  if (!entry) throw new ModuleFailure(`Group ${group} does not exist`);
  return entry;
}

import { posix } from 'node:path';
import type { AccountState, PasswdEntry } from './accounts.js';
import { existingGroup, requestedGroups, type UserArgs } from './user-args.js';

/** A command to run, and the before/after fields it changes (for --diff). */
export interface AccountCommand {
  argv: string[];
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** The hash to store: locked accounts carry a leading "!". */
export function storedHash(args: UserArgs): string | undefined {
  if (args.password === undefined) return undefined;
  return args.password_lock ? `!${args.password}` : args.password;
}

/** What a new account will look like, as far as the arguments say (for --diff). */
export function newAccountFields(args: UserArgs): Record<string, unknown> {
  const groups = requestedGroups(args) ?? [];
  return {
    state: 'present',
    ...(args.uid === undefined ? {} : { uid: args.uid }),
    ...(args.group === undefined ? {} : { group: args.group }),
    ...(groups.length === 0 ? {} : { groups: groups.join(',') }),
    ...Object.fromEntries((['comment', 'home', 'shell'] as const).filter((key) => args[key] !== undefined).map((key) => [key, args[key]])),
    ...(args.password === undefined ? {} : { password: 'NOT_LOGGING_PASSWORD' }),
  };
}

/** useradd as Ansible calls it on Linux; the password is set afterwards through chpasswd's stdin. */
export function useraddCommand(args: UserArgs, state: AccountState): string[] {
  const argv = ['useradd'];
  if (args.uid !== undefined) argv.push('-u', String(args.uid), ...(args.non_unique ? ['-o'] : []));
  if (args.group !== undefined) {
    existingGroup(state, args.group);
    argv.push('-g', args.group);
  } else if (state.ownGroupExists) {
    // A group named like the user exists: useradd must not try to create it (USERGROUPS_ENAB).
    argv.push('-N');
  }
  const groups = requestedGroups(args) ?? [];
  for (const group of groups) existingGroup(state, group);
  if (groups.length > 0) argv.push('-G', groups.join(','));
  if (args.comment !== undefined) argv.push('-c', args.comment);
  if (args.home !== undefined) argv.push('-d', args.home);
  if (args.shell !== undefined) argv.push('-s', args.shell);
  if (args.create_home) argv.push('-m', ...(args.skeleton === undefined ? [] : ['-k', args.skeleton]));
  else argv.push('-M');
  if (args.system) argv.push('-r');
  argv.push('--', args.name);
  return argv;
}

/** The supplementary groups usermod should set, when they differ (Ansible's comparison, append or not). */
function groupChange(args: UserArgs, state: AccountState): { argv: string[]; groups: string[] } | undefined {
  const groups = requestedGroups(args);
  if (groups === undefined) return undefined;
  for (const group of groups) existingGroup(state, group);
  const current = new Set(state.memberOf);
  const wanted = new Set(groups);
  const missing = groups.filter((group) => !current.has(group));
  const extra = state.memberOf.filter((group) => !wanted.has(group));
  if (args.append) return missing.length > 0 ? { argv: ['-a', '-G', groups.join(',')], groups: [...state.memberOf, ...missing] } : undefined;
  return missing.length > 0 || extra.length > 0 ? { argv: ['-G', groups.join(',')], groups } : undefined;
}

/** usermod for the fields that differ; undefined when the account already matches. */
export function usermodCommand(args: UserArgs, user: PasswdEntry, state: AccountState): AccountCommand | undefined {
  const argv = ['usermod'];
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const change = (key: string, from: unknown, to: unknown, words: string[]) => {
    argv.push(...words);
    before[key] = from;
    after[key] = to;
  };
  if (args.uid !== undefined && args.uid !== user.uid) change('uid', user.uid, args.uid, ['-u', String(args.uid), ...(args.non_unique ? ['-o'] : [])]);
  if (args.group !== undefined) {
    const gid = existingGroup(state, args.group).gid;
    if (gid !== user.gid) change('group', user.gid, gid, ['-g', String(gid)]);
  }
  const groups = groupChange(args, state);
  if (groups) change('groups', state.memberOf.join(','), groups.groups.join(','), groups.argv);
  if (args.comment !== undefined && args.comment !== user.comment) change('comment', user.comment, args.comment, ['-c', args.comment]);
  if (args.home !== undefined && args.home !== user.home) change('home', user.home, args.home, ['-d', args.home, ...(args.move_home ? ['-m'] : [])]);
  if (args.shell !== undefined && args.shell !== user.shell) change('shell', user.shell, args.shell, ['-s', args.shell]);
  const locked = state.passwordHash.startsWith('!');
  // A new hash is set through chpasswd (with the lock mark), so -L/-U are only needed without one.
  if (!passwordChanges(args, state)) {
    if (args.password_lock === true && !locked) change('password_lock', false, true, ['-L']);
    if (args.password_lock === false && locked) change('password_lock', true, false, ['-U']);
  }
  if (argv.length === 1) return undefined;
  argv.push('--', args.name);
  return { argv, before, after };
}

/** Whether the stored hash must be replaced (update_password: always, and it differs ignoring lock marks). */
export function passwordChanges(args: UserArgs, state: AccountState): boolean {
  if (args.update_password !== 'always' || args.password === undefined) return false;
  const strip = (hash: string) => hash.replace(/^!+/, '');
  return strip(state.passwordHash) !== strip(args.password) || (args.password_lock !== undefined && args.password_lock !== state.passwordHash.startsWith('!'));
}

export function userdelCommand(args: UserArgs): string[] {
  return ['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), '--', args.name];
}

/** The parent folder useradd needs for a home it creates (Ansible creates missing parents first). */
export function homeParent(args: UserArgs): string | undefined {
  return args.home !== undefined && args.create_home ? posix.dirname(args.home) : undefined;
}

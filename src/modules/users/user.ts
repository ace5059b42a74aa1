import { defineModule, type FileDiff, type ModuleContext, type ModuleResult, type Plan } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { fieldsDiff } from '../shared/file-attributes.js';
import { readAccounts, type AccountState, type PasswdEntry } from './lib/accounts.js';
import { groupsToLookUp, requestedGroups, type UserArgs } from './lib/user-args.js';
import { accountFields, createHome, reportedAccount, runAccountTool, setPasswordHash } from './lib/user-apply.js';
import { homeParent, newAccountFields, passwordChanges, storedHash, useraddCommand, userdelCommand, usermodCommand, type AccountCommand } from './lib/user-commands.js';

const ALIASES = { name: ['user'], create_home: ['createhome'] } as const;

function args(raw: Record<string, unknown>): UserArgs {
  // create_home's default is applied after its alias is folded in, so that createhome: false counts.
  const folded = foldAliases<UserArgs>(raw, ALIASES);
  return { ...folded, create_home: folded.create_home ?? true };
}

function accountDiff(name: string, command: { before: Record<string, unknown>; after: Record<string, unknown> }): FileDiff[] {
  return [fieldsDiff(command.before, command.after, `${name} (user)`)];
}

/** The fields Ansible returns beside the account's own. */
function requestFields(user: UserArgs): ModuleResult {
  return {
    ...(user.groups === undefined ? {} : { groups: (requestedGroups(user) ?? []).join(',') }),
    ...(user.password === undefined ? {} : { password: 'NOT_LOGGING_PASSWORD' }),
  };
}

function outputFields(output: { stdout: string; stderr: string }): ModuleResult {
  return { ...(output.stdout ? { stdout: output.stdout } : {}), ...(output.stderr ? { stderr: output.stderr } : {}) };
}

function planRemoval(user: UserArgs, state: AccountState, ctx: ModuleContext): Plan {
  const base = { name: user.name, state: 'absent' };
  if (!state.user) return { changed: false, result: base };
  return {
    changed: true,
    diff: accountDiff(user.name, { before: { state: 'present' }, after: { state: 'absent' } }),
    // In check mode Ansible reports nothing but the change.
    result: {},
    apply: async () => {
      const output = await runAccountTool(ctx.connection, user.name, userdelCommand(user));
      return { ...base, force: user.force, remove: user.remove, ...outputFields(output) };
    },
  };
}

function planCreation(user: UserArgs, state: AccountState, ctx: ModuleContext): Plan {
  // Ansible checks the groups only when it really creates the account, not in check mode.
  const argv = ctx.check ? [] : useraddCommand(user, state);
  return {
    changed: true,
    diff: accountDiff(user.name, { before: { state: 'absent' }, after: newAccountFields(user) }),
    result: {},
    apply: async () => {
      const parent = homeParent(user);
      if (parent !== undefined && !state.paths.get(parent)?.exists) await runAccountTool(ctx.connection, user.name, ['mkdir', '-p', '--', parent]);
      const output = await runAccountTool(ctx.connection, user.name, argv);
      const hash = storedHash(user);
      if (hash !== undefined) await setPasswordHash(ctx.connection, user.name, hash);
      const { entry, fields } = await reportedAccount(ctx.connection, user.name);
      if (user.create_home) await createHome(ctx.connection, entry, user.skeleton);
      return { name: user.name, state: 'present', system: user.system, create_home: user.create_home, ...fields, ...requestFields(user), ...outputFields(output) };
    },
  };
}

/** Ansible creates a missing home for an existing account too (create_home), whether or not usermod ran. */
function homeWillBeMissing(user: UserArgs, current: PasswdEntry, state: AccountState, command: AccountCommand | undefined): boolean {
  if (!user.create_home) return false;
  const home = user.home ?? current.home;
  if (home === current.home) return !state.homeExists;
  const moved = command !== undefined && user.move_home && state.homeExists;
  return !moved && !state.paths.get(home)?.exists;
}

function planModification(user: UserArgs, current: PasswdEntry, state: AccountState, ctx: ModuleContext): Plan {
  const command = usermodCommand(user, current, state);
  const newHash = passwordChanges(user, state);
  const missingHome = homeWillBeMissing(user, current, state, command);
  const changed = command !== undefined || newHash || missingHome;
  const before = { ...command?.before, ...(missingHome ? { home_exists: false } : {}) };
  const after = { ...command?.after, ...(newHash ? { password: 'NOT_LOGGING_PASSWORD' } : {}), ...(missingHome ? { home_exists: true } : {}) };
  const base = { name: user.name, state: 'present', append: user.append, move_home: user.move_home, ...requestFields(user) };
  return {
    changed,
    diff: changed ? accountDiff(user.name, { before, after }) : [],
    result: { ...base, ...accountFields(current) },
    apply: async () => {
      const output = command ? await runAccountTool(ctx.connection, user.name, command.argv) : { stdout: '', stderr: '' };
      const hash = storedHash(user);
      if (newHash && hash !== undefined) await setPasswordHash(ctx.connection, user.name, hash);
      const { entry, fields } = await reportedAccount(ctx.connection, user.name);
      if (missingHome) await createHome(ctx.connection, entry, user.skeleton);
      return { ...base, ...fields, ...outputFields(output) };
    },
  };
}

const STRING = { type: 'string' };
const BOOLEAN = { type: 'boolean' };

export default defineModule<Record<string, unknown>, AccountState>({
  name: 'user',
  examples: `
- name: A deploy user in the wheel group
  ansible.builtin.user:
    name: deploy
    comment: Deploy user
    groups: [wheel]
    append: true
    shell: /bin/bash

- name: Remove an old account with its home
  ansible.builtin.user:
    name: olduser
    state: absent
    remove: true
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The user name.' },
    uid: { type: 'int', returned: 'when present', description: 'The user id.' },
    group: { type: 'int', returned: 'when present', description: 'The primary group id.' },
    groups: { type: 'str', returned: 'when groups is given', description: 'The supplementary groups.' },
    home: { type: 'str', returned: 'when present', description: 'The home directory.' },
    shell: { type: 'str', returned: 'when present', description: 'The login shell.' },
    state: { type: 'str', returned: 'always', description: 'present or absent.' },
  },
  secretArgs: ['password'],
  schema: {
    description: 'Creates, changes or removes a user account, its home directory, groups and password.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('name', ALIASES.name),
    properties: withAliases(
      {
        name: { type: 'string', minLength: 1, description: 'The user name.' },
        state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Whether the account is present or absent.' },
        uid: { type: 'integer', minimum: 0, description: 'The user id.' },
        non_unique: { type: 'boolean', default: false, description: 'Whether uid may be one another user already has.' },
        group: { ...STRING, description: 'The primary group.' },
        groups: { type: ['array', 'string'], items: STRING, description: 'Supplementary groups (a list or comma-separated); with append false the user leaves the others.' },
        comment: { ...STRING, description: 'The GECOS field (usually the full name).' },
        home: { ...STRING, description: 'The home directory.' },
        shell: { ...STRING, description: 'The login shell.' },
        password: { ...STRING, description: 'The password hash (crypt format, e.g. from password_hash), never shown.' },
        update_password: { type: 'string', enum: ['always', 'on_create'], default: 'always', description: 'Whether the password is changed on every run (always) or only for new users (on_create).' },
        password_lock: { ...BOOLEAN, description: 'Whether the password is locked (true) or unlocked (false).' },
        force: { type: 'boolean', default: false, description: 'With state=absent and remove, whether the user is removed even when logged in.' },
        remove: { type: 'boolean', default: false, description: 'With state=absent, whether the home directory and mail spool are removed too.' },
        create_home: { ...BOOLEAN, description: 'Whether the home directory is created for a new user.' },
        skeleton: { ...STRING, description: 'The skeleton directory copied into a new home directory.' },
        system: { type: 'boolean', default: false, description: 'Whether a new user is a system account.' },
        move_home: { type: 'boolean', default: false, description: 'Whether the old home directory is moved when home changes.' },
        append: { type: 'boolean', default: false, description: "Whether groups are added to the user's groups instead of replacing them." },
      },
      ALIASES,
    ),
  },
  read: (ctx, raw) => {
    const user = args(raw);
    const parent = homeParent(user);
    return readAccounts(ctx.connection, user.name, groupsToLookUp(user), [...(user.home === undefined ? [] : [user.home]), ...(parent === undefined ? [] : [parent])]);
  },
  plan: (raw, state, ctx) => {
    const user = args(raw);
    if (user.state === 'absent') return planRemoval(user, state, ctx);
    return state.user ? planModification(user, state.user, state, ctx) : planCreation(user, state, ctx);
  },
});

import { isAbsolute, join } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';
import { linkDestRecursion, rsyncOptions, runRsync, type RsyncFlags, type RsyncOutcome } from './lib/rsync-command.js';
import { sshConfigFor, TARGET_ALIAS } from './lib/rsync-ssh-config.js';

interface SynchronizeArgs extends RsyncFlags {
  src: string;
  dest: string;
  mode: 'push' | 'pull';
  dest_port?: number;
  rsync_path?: string;
  set_remote_user: boolean;
  use_ssh_args: boolean;
  ssh_connection_multiplexing: boolean;
  verify_host: boolean;
  private_key?: string;
}

/** How one rsync run is put together: its paths, its ssh_config (none for a local host) and its options. */
interface Transfer {
  rsync: string;
  paths: [string, string];
  sshConfig?: string;
  sshArgs?: string;
  rsyncPath?: string;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** A controller path as Ansible's action finds it: relative ones under the role's or playbook's files/ (a trailing / kept). */
function controllerPath(ctx: ModuleContext, path: string, mustExist: boolean): string {
  if (isAbsolute(path) || path.startsWith('~')) return path;
  const slash = path.endsWith('/') ? '/' : '';
  if (mustExist) return ctx.findFile('files', path).replace(/\/$/, '') + slash;
  return join(ctx.origin.rolePath ?? ctx.origin.playbookDir, path) + slash;
}

function transferFor(ctx: ModuleContext, args: SynchronizeArgs): Transfer {
  if (ctx.hostConnection === undefined) throw new ModuleFailure('synchronize needs the host\'s connection settings');
  const { settings, delegateTo } = ctx.hostConnection();
  if (delegateTo !== undefined && !LOCAL_NAMES.has(delegateTo) && delegateTo !== ctx.host) {
    throw new ModuleFailure(`synchronize with delegate_to: ${delegateTo} (rsync started on another host) is not supported by betif-play; delegate to localhost or leave delegate_to out`);
  }
  const rsync = String(ctx.vars.ansible_rsync_path ?? 'rsync');
  const pull = args.mode === 'pull';
  // rsync on the host itself (a local connection, or delegated to the host): both paths are that machine's.
  if (settings.kind === 'local' || delegateTo === ctx.host) {
    if (delegateTo === ctx.host && settings.kind !== 'local') throw new ModuleFailure('synchronize delegated to its own host (rsync run on the host) is not supported by betif-play');
    return { rsync, paths: [args.src, args.dest] };
  }
  if (settings.become?.password !== undefined && args.rsync_path === undefined) {
    throw new ModuleFailure('synchronize with become and a become password: sudo on the host would prompt; set rsync_path or allow sudo without a password');
  }
  const sshConfig = sshConfigFor(settings, {
    port: args.dest_port,
    privateKey: args.private_key,
    verifyHost: args.verify_host,
    multiplexing: args.ssh_connection_multiplexing,
    user: args.set_remote_user,
  });
  const remote = (path: string) => `${TARGET_ALIAS}:${path}`;
  const paths: [string, string] = pull
    ? [remote(args.src), controllerPath(ctx, args.dest, false)]
    : [controllerPath(ctx, args.src, true), remote(args.dest)];
  const sshArgs = args.use_ssh_args ? [ctx.vars.ansible_ssh_common_args, ctx.vars.ansible_ssh_extra_args].filter((value) => typeof value === 'string' && value !== '').join(' ') : '';
  return {
    rsync,
    paths,
    sshConfig,
    sshArgs,
    rsyncPath: args.rsync_path ?? (settings.become ? `sudo -u ${settings.become.user} rsync` : undefined),
  };
}

async function run(transfer: Transfer, args: SynchronizeArgs, dryRun: boolean): Promise<RsyncOutcome> {
  const recursion = linkDestRecursion(args.link_dest, transfer.paths[1]);
  if (recursion !== undefined) throw new ModuleFailure(recursion);
  const outcome = await runRsync(transfer.rsync, (configPath) => rsyncOptions(args, {
    dryRun,
    rsh: configPath === undefined ? undefined : `ssh -F "${configPath}"${transfer.sshArgs ? ` ${transfer.sshArgs}` : ''}`,
    rsyncPath: transfer.rsyncPath,
  }), transfer.paths, transfer.sshConfig);
  if (outcome.rc !== 0) throw new ModuleFailure(outcome.err, { rc: outcome.rc, cmd: outcome.cmd });
  return outcome;
}

function resultOf(outcome: RsyncOutcome): ModuleResult {
  return { changed: outcome.changed, msg: outcome.out, rc: outcome.rc, cmd: outcome.cmd, stdout_lines: outcome.out.split('\n').filter((line) => line !== '') };
}

const flag = (description: string, value?: boolean) => ({ type: 'boolean', ...(value === undefined ? {} : { default: value }), description });

/**
 * rsync from the controller to the host (push) or back (pull), over an ssh that reaches the host exactly as
 * betif-play does. The read is rsync --dry-run: its itemized output says whether anything would change, and is
 * the --diff; the change is the real run.
 */
export default defineModule<SynchronizeArgs, { outcome: RsyncOutcome; transfer: Transfer }>({
  name: 'synchronize',
  noAsync: true,
  namespace: 'ansible.posix',
  examples: `
- name: Push a folder's contents to the host
  ansible.posix.synchronize:
    src: site/
    dest: /srv/www/
    delete: true
    rsync_opts: ['--exclude=.git']

- name: Pull the logs back to the controller
  ansible.posix.synchronize:
    mode: pull
    src: /var/log/app/
    dest: backups/app-logs/
`,
  returns: {
    msg: { type: 'str', returned: 'always', description: "rsync's itemized changes (%i %n%L), one line per file.", sample: '>f+++++++++ index.html\n' },
    stdout_lines: { type: 'list', returned: 'always', description: 'The itemized changes as a list of lines.' },
    cmd: { type: 'str', returned: 'always', description: 'The rsync command that was run.' },
    rc: { type: 'int', returned: 'always', description: "rsync's exit code." },
  },
  schema: {
    description: 'A wrapper around rsync: copies files between the controller and the host over ssh.',
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: 'Path on the source host to synchronize to the destination (a trailing / copies the folder\'s contents).' },
      dest: { type: 'string', description: 'Path on the destination host that will be synchronized from the source.' },
      dest_port: { type: 'integer', description: 'Port of ssh on the host (default: the host\'s ansible_port).' },
      mode: { enum: ['push', 'pull'], default: 'push', description: 'push: from the controller to the host; pull: from the host to the controller.' },
      archive: flag('Mirrors rsync\'s archive flag: recursive, links, perms, times, owner and group (and devices).', true),
      checksum: flag('Skip files by checksum, not by modification time and size.', false),
      compress: flag('Compress file data during the transfer.', true),
      existing_only: flag('Skip creating new files on the receiver.', false),
      delete: flag('Delete files in dest that are not in src (after the transfer).', false),
      dirs: flag('Transfer folders without recursing.', false),
      recursive: flag('Recurse into folders (default: the archive value).'),
      links: flag('Copy symlinks as symlinks (default: the archive value).'),
      copy_links: flag('Copy what symlinks point to instead of the links.', false),
      perms: flag('Preserve permissions (default: the archive value).'),
      times: flag('Preserve modification times (default: the archive value).'),
      owner: flag('Preserve the owner, as the super-user only (default: the archive value).'),
      group: flag('Preserve the group (default: the archive value).'),
      rsync_path: { type: 'string', description: 'The command that runs rsync on the host (for example "sudo rsync").' },
      rsync_timeout: { type: 'integer', default: 0, description: 'rsync\'s I/O timeout in seconds (0: none).' },
      set_remote_user: flag('Put the host\'s remote user in the remote path (false: leave it to ssh).', true),
      use_ssh_args: flag('Also pass the host\'s ansible_ssh_common_args and ansible_ssh_extra_args to rsync\'s ssh.', false),
      ssh_connection_multiplexing: flag('Let ssh use its ControlPersist connection multiplexing.', false),
      rsync_opts: { type: 'array', items: { type: 'string' }, default: [], description: 'More rsync options, one per item (for example --exclude=.git).' },
      partial: flag('Keep partially transferred files (rsync --partial).', false),
      delay_updates: flag('Put each updated file into a holding folder until the end of the transfer, then rename them all into place (rsync --delay-updates).', true),
      link_dest: { type: 'array', items: { type: 'string' }, description: 'Folders on the receiving side to hard-link unchanged files against (rsync --link-dest, with -H); a relative one is taken from the current folder, as Ansible does.' },
      verify_host: flag('Verify the host key (always, whatever the host\'s host key checking says).', false),
      private_key: { type: 'string', description: 'The private key file for rsync\'s ssh (default: the host\'s).' },
    },
  },
  read: async (ctx, args) => {
    const transfer = transferFor(ctx, args);
    return { transfer, outcome: await run(transfer, args, true) };
  },
  plan: (args, { transfer, outcome }, ctx) => ({
    changed: outcome.changed,
    result: resultOf(outcome),
    diff: outcome.changed && ctx.diff ? [{ before: '', after: '', prepared: outcome.out }] : undefined,
    apply: async () => resultOf(await run(transfer, args, false)),
  }),
});

import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { probePaths, type PathProbe } from '../shared/probe.js';
import { escapeFstab, mountedTargets, setFstabEntry, unsetFstabEntry, type FstabEntry } from './lib/fstab.js';

type MountState = 'absent' | 'absent_from_fstab' | 'mounted' | 'present' | 'unmounted' | 'remounted';

interface MountArgs {
  path: string;
  src?: string;
  fstype?: string;
  opts?: string;
  dump: string;
  passno: string;
  state: MountState;
  fstab?: string;
  boot: boolean;
  backup: boolean;
}

interface MountRead {
  mounted: boolean;
  fstab: PathProbe;
  mountPoint: PathProbe;
}

const ALIASES = { path: ['name'] } as const;

/** Ansible's arguments after its defaults and the boot/noauto rule. */
interface Settled {
  name: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
  fstab: string;
  boot: 'yes' | 'no';
  warnings: string[];
}

function settle(args: MountArgs): Settled {
  const settled: Settled = { name: args.path, src: args.src, fstype: args.fstype, opts: args.opts ?? 'defaults', dump: args.dump, passno: args.passno, fstab: args.fstab ?? '/etc/fstab', boot: 'yes', warnings: [] };
  const opts = settled.opts.split(',');
  if (opts.includes('noauto')) settled.warnings.push("Ignore the 'boot' due to 'opts' contains 'noauto'.");
  else if (!args.boot) {
    settled.boot = 'no';
    if (opts.includes('defaults')) settled.warnings.push("Ignore the 'boot' due to 'opts' contains 'defaults'.");
    else settled.opts = [...opts, 'noauto'].join(',');
  }
  return settled;
}

function requireFields(args: MountArgs): void {
  if (args.state !== 'mounted' && args.state !== 'present') return;
  const missing = (['src', 'fstype'] as const).filter((key) => args[key] === undefined);
  if (missing.length > 0) throw new ModuleFailure(`state is ${args.state} but all of the following are missing: ${missing.join(', ')}`);
}

function fstabArgs(settled: Settled): string[] {
  return settled.fstab === '/etc/fstab' ? [] : ['-T', settled.fstab];
}

async function tool(connection: Connection, argv: string[]): Promise<{ rc: number; output: string }> {
  const { rc, stdout, stderr } = await connection.exec(argv);
  return { rc, output: rc === 0 ? '' : stdout + stderr };
}

/** mount -o remount, falling back to umount and mount as Ansible does. */
async function remount(connection: Connection, settled: Settled, state: MountState): Promise<{ rc: number; output: string }> {
  const opts = state === 'remounted' && settled.opts !== 'defaults' ? `remount,${settled.opts}` : 'remount';
  const tried = await tool(connection, ['mount', '-o', opts, ...fstabArgs(settled), settled.name]);
  if (tried.rc === 0) return tried;
  if (state === 'remounted' && settled.opts !== 'defaults') {
    throw new ModuleFailure(
      'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. ' +
        'Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.',
    );
  }
  const unmounted = await tool(connection, ['umount', settled.name]);
  return unmounted.rc === 0 ? tool(connection, ['mount', ...fstabArgs(settled), settled.name]) : unmounted;
}

function fstabEntry(settled: Settled): FstabEntry {
  const escape = (value: string | undefined) => escapeFstab(value ?? '');
  return { src: escape(settled.src), name: escape(settled.name), fstype: escape(settled.fstype), opts: escape(settled.opts), dump: escape(settled.dump), passno: escape(settled.passno) };
}

/** The fstab after the change the state asks for. */
function newFstab(args: MountArgs, settled: Settled, content: string): { content: string; changed: boolean } {
  if (args.state === 'present' || args.state === 'mounted') return setFstabEntry(content, fstabEntry(settled));
  if (args.state === 'absent' || args.state === 'absent_from_fstab') return unsetFstabEntry(content, { name: escapeFstab(settled.name), src: settled.src });
  return { content, changed: false };
}

async function writeFstab(ctx: ModuleContext, args: MountArgs, settled: Settled, read: MountRead, content: string): Promise<string> {
  const outcome = await writeFileAtomically(ctx.connection, {
    path: settled.fstab,
    content: Buffer.from(content, 'utf8'),
    replacing: read.fstab.stat,
    attributes: NO_ATTRIBUTE_CHANGE,
    backup: args.backup && read.fstab.exists,
    createParents: true,
  });
  return outcome.backupFile ?? '';
}

/** What the mount point needs beside the fstab: the commands, in order, and whether they are a change. */
function mountAction(args: MountArgs, read: MountRead, fstabChanged: boolean): { changed: boolean; run?: (ctx: ModuleContext, settled: Settled) => Promise<void> } {
  const fail = (what: string, name: string, output: string) => new ModuleFailure(`Error ${what} ${name}: ${output}`);
  switch (args.state) {
    case 'absent':
      if (!fstabChanged) return { changed: false };
      return {
        changed: true,
        run: async (ctx, settled) => {
          if (read.mounted) {
            const { rc, output } = await tool(ctx.connection, ['umount', settled.name]);
            if (rc !== 0) throw fail('unmounting', settled.name, output);
          }
          if (read.mountPoint.exists) {
            const { rc, stdout, stderr } = await ctx.connection.exec(['rmdir', '--', settled.name]);
            if (rc !== 0) throw new ModuleFailure(`Error rmdir ${settled.name}: ${(stderr || stdout).trim()}`);
          }
        },
      };
    case 'unmounted':
      if (!read.mounted) return { changed: false };
      return {
        changed: true,
        run: async (ctx, settled) => {
          const { rc, output } = await tool(ctx.connection, ['umount', settled.name]);
          if (rc !== 0) throw fail('unmounting', settled.name, output);
        },
      };
    case 'remounted':
      return {
        changed: true,
        run: async (ctx, settled) => {
          const { rc, output } = await remount(ctx.connection, settled, args.state);
          if (rc !== 0) throw fail('remounting', settled.name, output);
        },
      };
    case 'mounted':
      if (read.mounted && !fstabChanged) return { changed: false };
      return {
        changed: true,
        run: async (ctx, settled) => {
          if (!read.mountPoint.exists) await ctx.connection.exec(['mkdir', '-p', '--', settled.name]);
          const { rc, output } = read.mounted ? await remount(ctx.connection, settled, args.state) : await tool(ctx.connection, ['mount', ...fstabArgs(settled), settled.name]);
          if (rc !== 0) throw fail('mounting', settled.name, output);
        },
      };
    default:
      return { changed: false };
  }
}

export default defineModule<Record<string, unknown>, MountRead>({
  name: 'mount',
  examples: `
- name: Mount the data disk
  ansible.posix.mount:
    path: /data
    src: UUID=0a1b2c3d-4e5f-6789-abcd-ef0123456789
    fstype: xfs
    opts: defaults,noatime
    state: mounted

- name: Unmount and forget a share
  ansible.posix.mount:
    path: /mnt/share
    state: absent
`,
  returns: {
  },
  namespace: 'ansible.posix',
  schema: {
    description: 'Manages filesystem entries in fstab and mounts or unmounts them.',
    type: 'object',
    additionalProperties: false,
    required: ['state'],
    ...requiredWithAliases('path', ALIASES.path),
    properties: withAliases(
      {
        path: { type: 'string', minLength: 1, description: 'The mount point.' },
        src: { type: 'string', description: 'The device, label, UUID or remote export to mount (needed for present and mounted).' },
        fstype: { type: 'string', description: 'The filesystem type (needed for present and mounted).' },
        opts: { type: 'string', description: 'The mount options, comma-separated.' },
        dump: { type: 'string', default: '0', description: 'The fstab dump field.' },
        passno: { type: 'string', default: '0', description: 'The fstab fsck pass number.' },
        state: { type: 'string', enum: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted'], description: 'mounted (in fstab and mounted), present (in fstab only), unmounted, absent (neither), remounted, or ephemeral (mounted without fstab).' },
        fstab: { type: 'string', minLength: 1, description: 'The fstab file to edit.' },
        boot: { type: 'boolean', default: true, description: 'Whether the entry is mounted at boot (false adds noauto).' },
        backup: { type: 'boolean', default: false, description: 'Whether a copy of fstab is kept before it is changed.' },
      },
      ALIASES,
    ),
  },
  read: async (ctx, raw) => {
    const args = foldAliases<MountArgs>(raw, ALIASES);
    requireFields(args);
    const settled = settle(args);
    const [listing, probe] = await Promise.all([ctx.connection.exec(['mount']), probePaths(ctx.connection, [settled.fstab, settled.name], { content: true })]);
    if (listing.rc !== 0) throw new ModuleFailure(`mount could not list the mounts: ${listing.stderr.trim()}`);
    return { mounted: mountedTargets(listing.stdout).has(settled.name), fstab: probe.paths[0], mountPoint: probe.paths[1] };
  },
  plan: (raw, read, ctx) => {
    const args = foldAliases<MountArgs>(raw, ALIASES);
    const settled = settle(args);
    const before = read.fstab.content?.toString('utf8') ?? '';
    const fstab = newFstab(args, settled, before);
    const action = mountAction(args, read, fstab.changed);
    const { warnings, ...fields } = settled;
    const result: ModuleResult = { ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)), backup_file: '', ...(warnings.length > 0 ? { warnings } : {}) };
    return {
      changed: fstab.changed || action.changed,
      diff: fstab.changed ? [{ before, after: fstab.content, beforeHeader: settled.fstab, afterHeader: settled.fstab }] : [],
      result,
      apply: async () => {
        const backupFile = fstab.changed ? await writeFstab(ctx, args, settled, read, fstab.content) : '';
        try {
          await action.run?.(ctx, settled);
        } catch (error) {
          // As Ansible: a mount that fails takes its fstab line and the folders made for it back.
          if (args.state === 'mounted') {
            if (fstab.changed) await writeFstab(ctx, { ...args, backup: false }, settled, { ...read, fstab: { ...read.fstab, stat: undefined } }, before);
            if (!read.mountPoint.exists) await ctx.connection.exec(['rmdir', '-p', '--ignore-fail-on-non-empty', '--', settled.name]);
          }
          throw error;
        }
        return { backup_file: backupFile };
      },
    };
  },
});

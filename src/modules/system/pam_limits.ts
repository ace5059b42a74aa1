import { posix } from 'node:path';
import { defineModule, ModuleFailure } from '../contract.js';
import { writeFileAtomically } from '../shared/atomic-write.js';
import { NO_ATTRIBUTE_CHANGE } from '../shared/file-attributes.js';
import { probePaths, type HostProbe } from '../shared/probe.js';
import { assertValidValue, editLimits, type LimitRequest } from './lib/pam-limits.js';

interface PamLimitsArgs extends LimitRequest {
  backup: boolean;
  dest: string;
}

const ITEMS = ['core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins', 'maxsyslogins', 'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot'];

export default defineModule<PamLimitsArgs, HostProbe>({
  name: 'pam_limits',
  examples: `
- name: Let the database open many files
  community.general.pam_limits:
    domain: postgres
    limit_type: '-'
    limit_item: nofile
    value: '65536'
`,
  returns: {
  },
  namespace: 'community.general',
  schema: {
    description: 'Sets user or group resource limits in /etc/security/limits.conf (or a limits.d file).',
    type: 'object',
    additionalProperties: false,
    required: ['domain', 'limit_type', 'limit_item', 'value'],
    properties: {
      domain: { type: 'string', description: 'Who the limit applies to - a user, @group, * or a uid/gid range.' },
      limit_type: { type: 'string', enum: ['soft', 'hard', '-'], description: 'Whether the hard, soft or both (-) limits are set.' },
      limit_item: { type: 'string', enum: ITEMS, description: 'The resource limited (nofile, nproc, memlock ...).' },
      value: { type: 'string', description: 'The limit - a number, unlimited or infinity.' },
      use_max: { type: 'boolean', default: false, description: 'Whether an existing larger value is kept.' },
      use_min: { type: 'boolean', default: false, description: 'Whether an existing smaller value is kept.' },
      backup: { type: 'boolean', default: false, description: 'Whether a copy of the file is kept before it is changed.' },
      dest: { type: 'string', minLength: 1, default: '/etc/security/limits.conf', description: 'The limits file to change.' },
      comment: { type: 'string', default: '', description: 'A comment written at the end of the line.' },
    },
  },
  read: (ctx, args) => probePaths(ctx.connection, [args.dest, posix.dirname(args.dest)], { content: true }),
  plan: (args, probe, ctx) => {
    const [file, folder] = probe.paths;
    if (file.exists && !file.writeable) throw new ModuleFailure(`${args.dest} is not writable. Use sudo`);
    if (!file.exists && !(folder.stat?.kind === 'directory' && folder.writeable)) {
      throw new ModuleFailure(`directory ${posix.dirname(args.dest)} is not writable (check presence, access rights, use sudo)`);
    }
    if (args.use_max && args.use_min) throw new ModuleFailure('Cannot use use_min and use_max at the same time.');
    assertValidValue(args.limit_item, args.value);
    const before = file.content?.toString('utf8') ?? '';
    const edited = editLimits(before, args, args.dest);
    // A missing file is created, which is a change by itself.
    const changed = edited.changed || !file.exists;
    return {
      changed,
      diff: changed ? [{ before, after: edited.content, beforeHeader: args.dest, afterHeader: args.dest }] : [],
      result: { msg: edited.message },
      apply: async () => {
        const outcome = await writeFileAtomically(ctx.connection, {
          path: args.dest,
          content: Buffer.from(edited.content, 'utf8'),
          replacing: file.stat,
          attributes: NO_ATTRIBUTE_CHANGE,
          backup: args.backup && file.exists,
        });
        return outcome.backupFile === undefined ? {} : { backup_file: outcome.backupFile };
      },
    };
  },
});

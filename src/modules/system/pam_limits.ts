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
  namespace: 'community.general',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['domain', 'limit_type', 'limit_item', 'value'],
    properties: {
      domain: { type: 'string' },
      limit_type: { type: 'string', enum: ['soft', 'hard', '-'] },
      limit_item: { type: 'string', enum: ITEMS },
      value: { type: 'string' },
      use_max: { type: 'boolean', default: false },
      use_min: { type: 'boolean', default: false },
      backup: { type: 'boolean', default: false },
      dest: { type: 'string', minLength: 1, default: '/etc/security/limits.conf' },
      comment: { type: 'string', default: '' },
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

import { createHash } from 'node:crypto';
import { defineModule, type ModuleResult } from '../contract.js';
import { FILE_ATTRIBUTE_PROPERTIES } from '../shared/arg-schema.js';
import type { AttributeArgs } from '../shared/file-attributes.js';
import { planPut, readPut, type PutState } from '../shared/put-file.js';
import { requirePlaceholder, validateCommand, VALIDATE_PROPERTY } from '../shared/validate-command.js';
import { assemble, controllerFragments, targetFragments } from './lib/fragments.js';

interface AssembleArgs extends AttributeArgs {
  src: string;
  dest: string;
  delimiter?: string;
  regexp?: string;
  ignore_hidden: boolean;
  remote_src: boolean;
  decrypt: boolean;
  validate?: string;
  backup: boolean;
}

interface AssembleState {
  put: PutState;
  content: Buffer;
}

export default defineModule<AssembleArgs, AssembleState | undefined>({
  name: 'assemble',
  noAsync: true,
  examples: `
- name: Build sshd_config from its fragments, checked by sshd
  ansible.builtin.assemble:
    src: /etc/ssh/conf.d
    dest: /etc/ssh/sshd_config
    validate: /usr/sbin/sshd -t -f %s
    mode: '0600'
`,
  returns: {
    dest: { type: 'str', returned: 'success', description: 'The file that was written.' },
    checksum: { type: 'str', returned: 'success', description: 'SHA1 checksum of the joined file.' },
    backup_file: { type: 'str', returned: 'changed and backup is set', description: 'The copy of the old file.' },
  },
  schema: {
    description: 'Joins the files of a directory, in name order, into one file on the host.',
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'The directory of fragments (on the host with remote_src, else on the controller).' },
      dest: { type: 'string', minLength: 1, description: 'The file that receives the fragments joined together.' },
      delimiter: { type: 'string', description: 'Text written between fragments.' },
      regexp: { type: 'string', description: 'Only fragments whose names match this regular expression are joined.' },
      ignore_hidden: { type: 'boolean', default: false, description: 'Whether fragments whose names start with a dot are left out.' },
      remote_src: { type: 'boolean', default: true, description: 'Whether src is on the host (true) or on the controller (false).' },
      decrypt: { type: 'boolean', default: true, description: 'Whether vault-encrypted fragments on the controller (remote_src false) are decrypted before they are joined.' },
      backup: { type: 'boolean', default: false, description: 'Whether a timestamped copy of the old file is kept when it is replaced.' },
      ...VALIDATE_PROPERTY,
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },

  async read(ctx, args) {
    if (ctx.check) return undefined;
    const fragments = args.remote_src ? await targetFragments(ctx.connection, args.src) : controllerFragments(ctx.findFile('files', args.src), args.decrypt);
    const content = assemble(fragments, { delimiter: args.delimiter, regexp: args.regexp, ignoreHidden: args.ignore_hidden, alwaysBreakAfterDelimiter: !args.remote_src });
    // On the target the assemble module validates (words as the editors); from the controller, copy does.
    const validate = validateCommand(args.validate, args.remote_src ? 'edit' : 'copy');
    requirePlaceholder(validate);
    const put = await readPut(ctx, { dest: args.dest, attributes: args, backup: args.backup, force: true, follow: false, content, sourceLabel: args.src, validate });
    return { put, content };
  },

  plan(args, state, ctx) {
    if (!state) return { changed: false, skip: 'check mode is not supported for this task.' };
    const plan = planPut(state.put, ctx);
    const sums: ModuleResult = { checksum: createHash('sha1').update(state.content).digest('hex'), md5sum: createHash('md5').update(state.content).digest('hex') };
    // The assemble module on the target reports src, dest and "OK" and has no diff; from the controller it is copy's result.
    const remote: ModuleResult = args.remote_src ? { src: args.src, dest: args.dest, msg: 'OK' } : {};
    const { path: _path, ...result } = plan.result ?? {};
    return { ...plan, diff: args.remote_src ? [] : plan.diff, result: { ...result, ...sums, ...remote } };
  },
});

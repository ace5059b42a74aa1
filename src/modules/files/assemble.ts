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
  validate?: string;
  backup: boolean;
}

interface AssembleState {
  put: PutState;
  content: Buffer;
}

export default defineModule<AssembleArgs, AssembleState | undefined>({
  name: 'assemble',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1 },
      dest: { type: 'string', minLength: 1 },
      delimiter: { type: 'string' },
      regexp: { type: 'string' },
      ignore_hidden: { type: 'boolean', default: false },
      remote_src: { type: 'boolean', default: true },
      ...VALIDATE_PROPERTY,
      backup: { type: 'boolean', default: false },
      ...FILE_ATTRIBUTE_PROPERTIES,
    },
  },

  async read(ctx, args) {
    if (ctx.check) return undefined;
    const fragments = args.remote_src ? await targetFragments(ctx.connection, args.src) : controllerFragments(ctx.findFile('files', args.src));
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

import { defineModule, ModuleFailure } from '../contract.js';
import { readCommandTarget, type CommandTarget } from './lib/command-target.js';
import { planCommand, type CommandOptions } from './lib/run-command.js';

interface ShellArgs extends CommandOptions {
  cmd: string;
  executable?: string;
}

/** The user's text is shell code by design here: it travels as the single argument of `sh -c`. */
export default defineModule<ShellArgs, CommandTarget>({
  name: 'shell',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      executable: { type: 'string' },
      stdin: { type: 'string' },
      stdin_add_newline: { type: 'boolean', default: true },
      strip_empty_ends: { type: 'boolean', default: true },
    },
    required: ['cmd'],
    additionalProperties: false,
  },

  async read(ctx, args) {
    if (args.cmd.trim() === '') throw new ModuleFailure('no command given', { rc: 256 });
    return readCommandTarget(ctx.connection, { chdir: args.chdir, creates: args.creates, removes: args.removes, words: [] });
  },

  plan(args, target, ctx) {
    return planCommand({ cmd: args.cmd, argv: [args.executable ?? '/bin/sh', '-c', args.cmd] }, args, target, ctx);
  },
});

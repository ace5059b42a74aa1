import { quoteArgv } from '../../connection/quote.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { requiredWithAliases } from '../shared/arg-schema.js';
import { readCommandTarget, type CommandTarget } from './lib/command-target.js';
import { planCommand, type CommandOptions } from './lib/run-command.js';

interface ShellArgs extends CommandOptions {
  cmd?: string;
  argv?: (string | number | boolean)[];
  executable?: string;
}

/** The shell text to run: the user's text, or argv's words quoted and joined as Ansible's run_command does. */
function shellText(args: ShellArgs): string {
  const hasText = args.cmd !== undefined && args.cmd.trim() !== '';
  const hasArgv = args.argv !== undefined && args.argv.length > 0;
  if (hasText && hasArgv) throw new ModuleFailure('only command or argv can be given, not both', { rc: 256 });
  if (!hasText && !hasArgv) throw new ModuleFailure('no command given', { rc: 256 });
  return hasArgv ? quoteArgv(args.argv!.map(String)) : args.cmd!;
}

/** The user's text is shell code by design here: it travels as the single argument of `sh -c`. */
export default defineModule<ShellArgs, CommandTarget>({
  name: 'shell',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: ['string', 'number', 'boolean'] } },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      executable: { type: 'string' },
      stdin: { type: 'string' },
      stdin_add_newline: { type: 'boolean', default: true },
      strip_empty_ends: { type: 'boolean', default: true },
    },
    ...requiredWithAliases('cmd', ['argv']),
    additionalProperties: false,
  },

  async read(ctx, args) {
    shellText(args);
    return readCommandTarget(ctx.connection, { chdir: args.chdir, creates: args.creates, removes: args.removes, words: [] });
  },

  plan(args, target, ctx) {
    const text = shellText(args);
    const shown = args.argv !== undefined && args.argv.length > 0 ? args.argv.map(String) : text;
    return planCommand({ cmd: shown, argv: [args.executable ?? '/bin/sh', '-c', text] }, args, target, ctx);
  },
});

import { defineModule, ModuleFailure } from '../contract.js';
import { readCommandTarget, type CommandTarget } from './lib/command-target.js';
import { planCommand, type CommandOptions } from './lib/run-command.js';
import { splitCommandLine } from '../shared/split-command.js';

interface CommandArgs extends CommandOptions {
  cmd?: string;
  argv?: (string | number | boolean)[];
  /** Accepted for compatibility and ignored with a warning, as Ansible 2.14 does. */
  executable?: string;
}

interface CommandState {
  words: string[];
  target: CommandTarget;
}

/** The command as words, before the target expands $VARS and ~ in them. */
function commandWords(args: CommandArgs): string[] {
  const hasText = args.cmd !== undefined && args.cmd.trim() !== '';
  const hasArgv = args.argv !== undefined && args.argv.length > 0;
  if (hasText && hasArgv) throw new ModuleFailure('only command or argv can be given, not both', { rc: 256 });
  if (!hasText && !hasArgv) throw new ModuleFailure('no command given', { rc: 256 });
  return hasArgv ? args.argv!.map(String) : splitCommandLine(args.cmd!);
}

export default defineModule<CommandArgs, CommandState>({
  name: 'command',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: ['string', 'number', 'boolean'] } },
      chdir: { type: 'string' },
      executable: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
      stdin: { type: 'string' },
      stdin_add_newline: { type: 'boolean', default: true },
      strip_empty_ends: { type: 'boolean', default: true },
    },
    additionalProperties: false,
  },

  async read(ctx, args) {
    const words = commandWords(args);
    const target = await readCommandTarget(ctx.connection, { chdir: args.chdir, creates: args.creates, removes: args.removes, words });
    return { words, target };
  },

  plan(args, state, ctx) {
    const warnings = args.executable
      ? [`As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${args.executable}'.`]
      : [];
    return planCommand({ cmd: state.words, argv: state.target.words, warnings }, args, state.target, ctx);
  },
});

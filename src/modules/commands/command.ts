import { defineModule, ModuleFailure } from '../contract.js';
import { RUN_PROPERTIES } from './lib/run-properties.js';
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
  examples: `
- name: Show the kernel version
  ansible.builtin.command: uname -r
  register: kernel
  changed_when: false

- name: Create a database once, from a directory
  ansible.builtin.command:
    cmd: /usr/bin/make_database.sh db_user db_name
    chdir: /srv/app
    creates: /srv/app/db.created

- name: Pass words with spaces safely
  ansible.builtin.command:
    argv: [/usr/bin/logger, -t, deploy, "release done"]
`,
  returns: {
    cmd: { type: 'list', returned: 'always', description: 'The command that was run, as a list of words.', sample: ['uname', '-r'] },
    rc: { type: 'int', returned: 'always', description: "The command's exit code (non-zero fails the task).", sample: 0 },
    stdout: { type: 'str', returned: 'always', description: 'What the command wrote to standard output.' },
    stderr: { type: 'str', returned: 'always', description: 'What the command wrote to standard error.' },
    stdout_lines: { type: 'list', returned: 'always', description: 'stdout split into lines.' },
    stderr_lines: { type: 'list', returned: 'always', description: 'stderr split into lines.' },
    start: { type: 'str', returned: 'always', description: 'When the command started.', sample: '2024-01-01 10:00:00.000000' },
    end: { type: 'str', returned: 'always', description: 'When the command ended.' },
    delta: { type: 'str', returned: 'always', description: 'How long the command ran.', sample: '0:00:00.001529' },
  },
  freeForm: 'cmd',
  schema: {
    description: 'Runs a command on the host without a shell (no pipes, redirections or variable expansion).',
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'The command to run, split into words as a shell would but never run by one.' },
      argv: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, description: 'The command as a list of words, for arguments that contain spaces; use instead of cmd.' },
      executable: { type: 'string', description: 'Ignored by command (kept for Ansible compatibility); shell uses it to pick the shell.' },
      ...RUN_PROPERTIES,
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

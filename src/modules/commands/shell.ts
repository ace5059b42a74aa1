import { quoteArgv } from '../../connection/quote.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { RUN_PROPERTIES } from './lib/run-properties.js';
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
  examples: `
- name: Count the users with a login shell
  ansible.builtin.shell: grep -c '/bin/bash$' /etc/passwd
  register: users
  changed_when: false

- name: Run a script with bash, in its folder, once
  ansible.builtin.shell:
    cmd: ./install.sh >> install.log 2>&1
    chdir: /opt/tool
    executable: /bin/bash
    creates: /opt/tool/installed
`,
  returns: {
    cmd: { type: 'str', returned: 'always', description: 'The command line that was run.' },
    rc: { type: 'int', returned: 'always', description: "The command's exit code (non-zero fails the task).", sample: 0 },
    stdout: { type: 'str', returned: 'always', description: 'What the command wrote to standard output.' },
    stderr: { type: 'str', returned: 'always', description: 'What the command wrote to standard error.' },
    stdout_lines: { type: 'list', returned: 'always', description: 'stdout split into lines.' },
    stderr_lines: { type: 'list', returned: 'always', description: 'stderr split into lines.' },
    start: { type: 'str', returned: 'always', description: 'When the command started.' },
    end: { type: 'str', returned: 'always', description: 'When the command ended.' },
    delta: { type: 'str', returned: 'always', description: 'How long the command ran.' },
  },
  freeForm: 'cmd',
  schema: {
    description: 'Runs a command through a shell on the host (pipes, redirections and variables work).',
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'The command line the shell runs.' },
      argv: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, description: 'The command as a list of words, joined and quoted for the shell.' },
      executable: { type: 'string', description: 'The shell to run the command with (default /bin/sh).' },
      ...RUN_PROPERTIES,
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

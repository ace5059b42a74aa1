import { defineModule, ModuleFailure } from '../contract.js';
import { splitLines, WOULD_HAVE_RUN } from './lib/run-command.js';

interface RawArgs {
  cmd: string;
  executable: string;
}

/** Shell text run as is, with nothing read first and the output unstripped, as Ansible's raw. */
export default defineModule<RawArgs, void>({
  name: 'raw',
  noAsync: true,
  examples: `
- name: Install Python on a bare host
  ansible.builtin.raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3)
  changed_when: false
`,
  returns: {
    rc: { type: 'int', returned: 'always', description: "The command's exit code." },
    stdout: { type: 'str', returned: 'always', description: 'What the command wrote to standard output.' },
    stderr: { type: 'str', returned: 'always', description: 'What the command wrote to standard error.' },
    stdout_lines: { type: 'list', returned: 'always', description: 'stdout split into lines.' },
  },
  freeForm: 'cmd',
  schema: {
    description: 'Runs a command over the connection as it is, without Python or module code on the host.',
    type: 'object',
    properties: {
      cmd: { type: 'string', minLength: 1, description: 'The command line, run as it is by executable on the host.' },
      executable: { type: 'string', minLength: 1, default: '/bin/sh', description: 'The shell that runs the command line (as SHELL -c).' },
    },
    required: ['cmd'],
    additionalProperties: false,
  },

  async read() {},

  plan(args, _state, ctx) {
    if (ctx.check) return { changed: false, skip: WOULD_HAVE_RUN };
    return {
      changed: true,
      apply: async () => {
        const { rc, stdout, stderr } = await ctx.connection.exec([args.executable, '-c', args.cmd]);
        const result = { changed: true, rc, stdout, stderr, stdout_lines: splitLines(stdout), stderr_lines: splitLines(stderr) };
        if (rc !== 0) throw new ModuleFailure('non-zero return code', result);
        return result;
      },
    };
  },
});

import { defineModule, ModuleFailure } from '../contract.js';
import { splitLines, WOULD_HAVE_RUN } from './lib/run-command.js';

interface RawArgs {
  cmd: string;
  executable: string;
}

/** Shell text run as is, with nothing read first and the output unstripped, as Ansible's raw. */
export default defineModule<RawArgs, void>({
  name: 'raw',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string', minLength: 1 },
      executable: { type: 'string', minLength: 1, default: '/bin/sh' },
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

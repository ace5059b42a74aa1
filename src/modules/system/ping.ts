import { defineModule, ModuleFailure } from '../contract.js';

interface PingArgs {
  data: string;
}

/** Proves the host answers commands (one `true` over the connection); returns {ping: data}. */
export default defineModule<PingArgs, void>({
  name: 'ping',
  examples: `
- name: Check the connection
  ansible.builtin.ping:
`,
  returns: {
    ping: { type: 'str', returned: 'success', description: 'The data argument.', sample: 'pong' },
  },
  readOnly: true,
  schema: {
    description: 'Checks that the host can be reached and run modules; returns pong.',
    type: 'object',
    additionalProperties: false,
    properties: { data: { type: 'string', default: 'pong', description: 'The value returned as ping (crash fails the task on purpose).' } },
  },
  read: async (ctx) => {
    const result = await ctx.connection.exec(['true']);
    if (result.rc !== 0) throw new ModuleFailure(`the host could not run a command (rc=${result.rc}): ${result.stderr.trim()}`);
  },
  plan: (args) => {
    if (args.data === 'crash') throw new ModuleFailure('boom');
    return { changed: false, result: { ping: args.data } };
  },
});

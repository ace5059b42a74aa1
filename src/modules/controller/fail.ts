import { defineModule, ModuleFailure } from '../contract.js';

export default defineModule<{ msg: string }, void>({
  name: 'fail',
  examples: `
- name: Stop when the release is unknown
  ansible.builtin.fail:
    msg: release {{ release }} is not known
  when: release not in known_releases
`,
  returns: {
  },
  controllerOnly: true,
  schema: {
    description: 'Fails the task with a message.',
    type: 'object',
    properties: { msg: { type: 'string', default: 'Failed as requested from task', description: 'The message of the failure.' } },
    additionalProperties: false,
  },

  async read() {},

  plan(args) {
    throw new ModuleFailure(args.msg);
  },
});

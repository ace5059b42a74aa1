import { defineModule, ModuleFailure } from '../contract.js';

export default defineModule<{ msg: string }, void>({
  name: 'fail',
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: { msg: { type: 'string', default: 'Failed as requested from task' } },
    additionalProperties: false,
  },

  async read() {},

  plan(args) {
    throw new ModuleFailure(args.msg);
  },
});

import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { messageText } from './lib/message-text.js';

type Message = string | string[];

interface AssertArgs {
  that: string | boolean | (string | boolean | null)[];
  fail_msg?: Message;
  msg?: Message;
  success_msg: Message;
  quiet: boolean;
}

/** Jinja2 (Python) truthiness: empty strings, lists and mappings, 0, None and False are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

const message = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

export default defineModule<AssertArgs, void>({
  name: 'assert',
  examples: `
- name: Check the settings before going on
  ansible.builtin.assert:
    that:
      - app_port | int > 1024
      - app_user is defined
    fail_msg: app_port must be above 1024 and app_user set
    success_msg: settings are fine
`,
  returns: {
    assertion: { type: 'str', returned: 'failed', description: 'The first expression that was false.' },
    evaluated_to: { type: 'bool', returned: 'failed', description: 'What that expression evaluated to.' },
  },
  controllerOnly: true,
  schema: {
    description: 'Fails the task unless every given expression is true.',
    type: 'object',
    properties: {
      that: { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean', 'null'] }, minItems: 1 }], description: 'The Jinja2 expressions (without braces) that must all be true; one string or a list.' },
      fail_msg: { ...message, description: 'The message of the failure when an expression is false.' },
      msg: { ...message, description: 'Another name for fail_msg.' },
      success_msg: { ...message, default: 'All assertions passed', description: 'The message reported when every expression is true.' },
      // Ansible's quiet only trims its verbose output; results print the same here.
      quiet: { type: 'boolean', default: false, description: 'Whether to leave out the per-expression messages of a success.' },
    },
    required: ['that'],
    additionalProperties: false,
  },

  async read() {},

  plan(args, _state, ctx) {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    for (const condition of conditions) {
      let holds: boolean;
      try {
        // As Ansible's conditionals, an empty entry holds.
        holds = condition === null || condition === '' ? true : typeof condition === 'boolean' ? condition : truthy(ctx.evaluate(condition));
      } catch (error) {
        throw new ModuleFailure(`The conditional check '${condition}' failed. The error was: ${(error as Error).message}`);
      }
      if (!holds) {
        throw new ModuleFailure(messageText(args.fail_msg ?? args.msg ?? 'Assertion failed'), { assertion: condition, evaluated_to: false });
      }
    }
    // As debug's msg: a list stays a list.
    return { changed: false, result: { msg: args.success_msg } as ModuleResult };
  },
});

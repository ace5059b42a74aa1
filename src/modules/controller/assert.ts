import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { messageText } from './lib/message-text.js';

type Message = string | string[];

interface AssertArgs {
  that: string | boolean | (string | boolean)[];
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
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      that: { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] }, minItems: 1 }] },
      fail_msg: message,
      msg: message,
      success_msg: { ...message, default: 'All assertions passed' },
      // Ansible's quiet only trims its verbose output; results print the same here.
      quiet: { type: 'boolean', default: false },
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
        holds = typeof condition === 'boolean' ? condition : truthy(ctx.evaluate(condition));
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

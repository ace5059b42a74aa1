import { defineModule, type ModuleResult } from '../contract.js';
import { validateArgumentSpec, type ArgumentSpec } from './lib/arg-spec.js';

interface ValidateArgs {
  argument_spec: ArgumentSpec;
  provided_arguments: Record<string, unknown>;
  validate_args_context: Record<string, unknown>;
}

/**
 * ansible.builtin.validate_argument_spec: the task a role with meta/argument_specs.yml starts with. The values
 * checked are the spec's names found among the host's variables, overridden by the provided arguments; like
 * ansible-core 2.14, defaults are only used for checking, never set as variables.
 */
export default defineModule<ValidateArgs, void>({
  name: 'validate_argument_spec',
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      argument_spec: { type: 'object', additionalProperties: { type: 'object' } },
      provided_arguments: { type: 'object', default: {} },
      validate_args_context: { type: 'object', default: {} },
    },
    required: ['argument_spec'],
    additionalProperties: false,
  },

  async read() {},

  plan(args, _state, ctx) {
    const fromVars = Object.fromEntries(Object.keys(args.argument_spec).filter((name) => name in ctx.vars).map((name) => [name, ctx.template(ctx.vars[name])]));
    const errors = validateArgumentSpec(args.argument_spec, { ...fromVars, ...args.provided_arguments });
    const result: ModuleResult = { validate_args_context: args.validate_args_context };
    if (errors.length === 0) return { changed: false, result: { ...result, msg: 'The arg spec validation passed' } };
    return {
      changed: false,
      result: { ...result, failed: true, msg: `Validation of arguments failed:\n${errors.join('\n')}`, argument_spec_data: args.argument_spec, argument_errors: errors },
    };
  },
});

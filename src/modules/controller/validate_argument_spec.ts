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
  examples: `
- name: Check the arguments of this tasks file
  ansible.builtin.validate_argument_spec:
    argument_spec:
      app_port:
        type: int
        required: true
    provided_arguments:
      app_port: "{{ app_port }}"
`,
  returns: {
    argument_errors: { type: 'list', returned: 'failed', description: 'The problems found.' },
    argument_spec_data: { type: 'dict', returned: 'always', description: 'The specification that was checked.' },
    validate_args_context: { type: 'dict', returned: 'always', description: 'Where the specification came from.' },
  },
  controllerOnly: true,
  schema: {
    description: 'Checks variables against an argument specification, as roles do with meta/argument_specs.yml.',
    type: 'object',
    properties: {
      argument_spec: { type: 'object', additionalProperties: { type: 'object' }, description: "The specification, in the form of a role's argument_specs entry options." },
      provided_arguments: { type: 'object', default: {}, description: "The values to check (the task's variables when not given)." },
      validate_args_context: { type: 'object', default: {}, description: 'Where the specification comes from, shown in the failure message.' },
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

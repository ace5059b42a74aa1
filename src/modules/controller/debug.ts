import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';

interface DebugArgs {
  msg?: unknown;
  var?: string;
  verbosity: number;
}

/** Asked as a Jinja2 test so that an undefined variable is reported, not raised; a broken expression is left to the evaluation. */
function isDefined(ctx: ModuleContext, expression: string): boolean {
  try {
    return Boolean(ctx.evaluate(`(${expression}) is defined`));
  } catch {
    return true;
  }
}

/** Ansible's words for an undefined var; from -v on they say why, in its doubled form ("msg. msg"). */
function notDefined(ctx: ModuleContext, expression: string, verbosity: number): string {
  if (verbosity === 0) return 'VARIABLE IS NOT DEFINED!';
  try {
    ctx.template(`{{ ${expression} }}`);
    return 'VARIABLE IS NOT DEFINED!';
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `VARIABLE IS NOT DEFINED!: ${why}. ${why}`;
  }
}

export default defineModule<DebugArgs, void>({
  name: 'debug',
  examples: `
- name: Print a message
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} runs {{ ansible_facts['distribution'] }}"

- name: Print a registered result, only with -vv
  ansible.builtin.debug:
    var: result.stdout_lines
    verbosity: 2
`,
  returns: {
    msg: { type: 'str', returned: 'when msg is given', description: 'The message.' },
  },
  controllerOnly: true,
  schema: {
    description: 'Prints a message or the value of a variable, without touching the host.',
    type: 'object',
    properties: {
      msg: { description: 'The message to print (default "Hello world!"); a list or mapping is printed as such.' },
      var: { type: 'string', minLength: 1, description: 'The name of a variable (or an expression) whose value is printed; instead of msg.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'The -v level from which the output is shown (0 shows it always).' },
    },
    additionalProperties: false,
  },

  async read() {},

  plan(args, _state, ctx) {
    if (args.msg !== undefined && args.var !== undefined) throw new ModuleFailure("'msg' and 'var' are incompatible options");
    // ansible_verbosity is the number of -v flags, as the magic variable of the same name in Ansible.
    const verbosity = Number(ctx.vars.ansible_verbosity ?? 0);
    if (args.verbosity > verbosity) return { changed: false, skip: 'Verbosity threshold not met.' };
    // Like Ansible, a list or mapping msg stays a list or mapping (printed as JSON), not text.
    if (args.var === undefined) return { changed: false, result: { msg: args.msg === undefined ? 'Hello world!' : (args.msg ?? '') } as ModuleResult };
    if (!isDefined(ctx, args.var)) return { changed: false, result: { [args.var]: notDefined(ctx, args.var, verbosity) } };
    try {
      // As Ansible's debug: the name or expression is templated (convert_bare), so its value is typed like a variable.
      return { changed: false, result: { [args.var]: ctx.template(`{{ ${args.var} }}`) } };
    } catch (error) {
      throw new ModuleFailure(`could not evaluate '${args.var}': ${(error as Error).message}`);
    }
  },
});

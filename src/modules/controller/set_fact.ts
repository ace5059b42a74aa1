import { isTemplateText } from '../args.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { checkVariableNames } from './lib/variable-names.js';

type SetFactArgs = Record<string, unknown> & { cacheable: boolean };

function booleanWord(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.toLowerCase();
  return word === 'true' || word === 'yes' ? true : word === 'false' || word === 'no' ? false : value;
}

export default defineModule<SetFactArgs, void>({
  name: 'set_fact',
  examples: `
- name: Compute a value once for later tasks
  ansible.builtin.set_fact:
    app_url: "https://{{ inventory_hostname }}:{{ app_port }}"
    app_ready: true
`,
  returns: {
    ansible_facts: { type: 'dict', returned: 'always', description: 'The variables that were set.' },
  },
  controllerOnly: true,
  setsHostVars: true,
  schema: {
    description: "Sets host variables from the task's key=value pairs or mapping.",
    type: 'object',
    properties: { cacheable: { type: 'boolean', default: false, description: 'Whether the variables are also stored in the fact cache, as gathered facts are.' } },
    additionalProperties: true,
  },

  async read() {},

  plan(args, _state, ctx) {
    const { cacheable, ...given } = args;
    // As Ansible's set_fact action, the names are templated too.
    // As Ansible's set_fact (without jinja2_native): a text value that spells a boolean is one.
    const facts = Object.fromEntries(Object.entries(given).map(([name, value]) => [isTemplateText(name) ? String(ctx.template(name)) : name, booleanWord(value)]));
    const names = Object.keys(facts);
    if (names.length === 0) throw new ModuleFailure('No key/value pairs provided, at least one is required for this action to succeed');
    checkVariableNames(names);
    // Ansible's marker for facts that also belong in the fact cache.
    return { changed: false, result: { ansible_facts: facts, ...(cacheable ? { _ansible_facts_cacheable: true } : {}) } };
  },
});

import { isTemplateText } from '../args.js';
import { defineModule, ModuleFailure } from '../contract.js';

interface SetStatsArgs {
  data: Record<string, unknown>;
  per_host: boolean;
  aggregate: boolean;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Custom statistics for the run (or per host), shown after the recap with show_custom_stats, as Ansible's set_stats. */
export default defineModule<SetStatsArgs, void>({
  name: 'set_stats',
  examples: `
- name: Count the deployed services for the run's statistics
  ansible.builtin.set_stats:
    data:
      deployed: 1
      services: ["{{ service_name }}"]
`,
  returns: {
    ansible_stats: { type: 'dict', returned: 'always', description: 'The statistics given (data, per_host, aggregate).' },
  },
  controllerOnly: true,
  schema: {
    description: "Sets or adds to custom statistics of the run (or of each host), shown after the recap when show_custom_stats is on (AWX passes them on to the workflow's next job).",
    type: 'object',
    additionalProperties: false,
    properties: {
      data: { type: ['object', 'string'], default: {}, description: 'The statistics, name: value; a value is added to what the name already holds (numbers, lists, mappings) unless aggregate is false.' },
      per_host: { type: 'boolean', default: false, description: "Keep the statistics per host instead of for the whole run." },
      aggregate: { type: 'boolean', default: true, description: 'Add to the values already there (false replaces them).' },
    },
  },

  async read() {},

  plan(args, _state, ctx) {
    // As Ansible's set_stats action: data may be a template of a mapping, and its values are templated.
    const data = isTemplateText(args.data) ? ctx.template(args.data) : args.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ModuleFailure("The 'data' option needs to be a dictionary/hash");
    const invalid = Object.keys(data).find((name) => !VARIABLE_NAME.test(name));
    if (invalid !== undefined) {
      throw new ModuleFailure(`The variable name '${invalid}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
    }
    return { changed: false, result: { ansible_stats: { data, per_host: args.per_host, aggregate: args.aggregate } } };
  },
});

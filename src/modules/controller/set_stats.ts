import { isTemplateText } from '../args.js';
import { defineModule, ModuleFailure } from '../contract.js';
import { checkVariableNames } from './lib/variable-names.js';

interface SetStatsArgs {
  data: Record<string, unknown>;
  per_host: boolean;
  aggregate: boolean;
}

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
    checkVariableNames(Object.keys(data));
    return { changed: false, result: { ansible_stats: { data, per_host: args.per_host, aggregate: args.aggregate } } };
  },
});

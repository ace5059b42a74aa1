import { gatherFacts } from '../../facts/gather.js';
import { defineModule } from '../contract.js';

interface SetupArgs {
  filter?: string | string[];
  gather_subset?: string | string[];
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Ansible's `filter`: shell-style patterns over the fact names, with or without the ansible_ prefix. */
function filterFacts(facts: Record<string, unknown>, patterns: string[]): Record<string, unknown> {
  if (patterns.length === 0) return facts;
  const matchers = patterns.map(globToRegExp);
  return Object.fromEntries(Object.entries(facts).filter(([name]) => matchers.some((matcher) => matcher.test(name) || matcher.test(`ansible_${name}`))));
}

const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : String(value).split(',').map((part) => part.trim()).filter(Boolean));

/**
 * Gathers facts with one command on the host. Every fact comes from that one cheap command, so
 * gather_subset is accepted for compatibility but does not leave facts out; filter does.
 */
export default defineModule<SetupArgs, Record<string, unknown>>({
  name: 'setup',
  examples: `
- name: Gather only the network facts
  ansible.builtin.setup:
    gather_subset: [network]

- name: Gather the memory facts
  ansible.builtin.setup:
    filter: ['ansible_mem*']
`,
  returns: {
    ansible_facts: { type: 'dict', returned: 'always', description: 'The gathered facts.' },
  },
  readOnly: true,
  aliases: ['gather_facts', 'ansible.builtin.gather_facts'],
  schema: {
    description: 'Gathers facts about the host (OS, network, hardware ...) into ansible_facts.',
    type: 'object',
    additionalProperties: false,
    properties: { filter: { ...stringList, description: 'Only facts whose names match these shell-style patterns are returned.' }, gather_subset: { ...stringList, description: 'Which groups of facts are gathered (all, min, network, hardware ...; !name leaves one out).' } },
  },
  read: (ctx) => gatherFacts(ctx.connection),
  plan: (args, facts) => ({ changed: false, result: { ansible_facts: filterFacts(facts, asList(args.filter)) } }),
});

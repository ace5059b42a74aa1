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
  readOnly: true,
  aliases: ['gather_facts', 'ansible.builtin.gather_facts'],
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { filter: stringList, gather_subset: stringList },
  },
  read: (ctx) => gatherFacts(ctx.connection),
  plan: (args, facts) => ({ changed: false, result: { ansible_facts: filterFacts(facts, asList(args.filter)) } }),
});

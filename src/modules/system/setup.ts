import { DEFAULT_FACT_PATH, gatherFacts, type GatheredFacts } from '../../facts/gather.js';
import { GatherSubsetError, subsetEntries } from '../../facts/subsets.js';
import { defineModule, ModuleFailure } from '../contract.js';

interface SetupArgs {
  filter?: string | string[];
  gather_subset?: string | string[];
  gather_timeout?: number;
  fact_path?: string;
}

/** Python's fnmatch: shell-style patterns, case-sensitive on Linux. */
function fnmatchToRegExp(pattern: string): RegExp {
  let body = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    const close = char === '[' ? pattern.indexOf(']', index + 2) : -1;
    if (char === '*') body += '.*';
    else if (char === '?') body += '.';
    else if (close > 0) {
      const set = pattern.slice(index + 1, close).replace(/\\/g, '\\\\');
      body += set.startsWith('!') ? `[^${set.slice(1)}]` : `[${set}]`;
      index = close;
    } else body += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, 's');
}

/** Ansible's `filter`: facts whose ansible_ name matches any pattern (a pattern without the prefix also matches). */
function filterFacts(facts: Record<string, unknown>, patterns: string[]): Record<string, unknown> {
  if (patterns.length === 0 || patterns.includes('*')) return facts;
  const matchers = patterns.map(fnmatchToRegExp);
  return Object.fromEntries(Object.entries(facts).filter(([name]) => matchers.some((matcher) => matcher.test(name) || matcher.test(`ansible_${name}`))));
}

/** Facts that Ansible's setup module returns under their own names; every other fact it returns as ansible_NAME. */
const UNPREFIXED_FACTS = new Set(['gather_subset', 'module_setup']);

/** The facts as the setup module returns them (ansible_os_family), which the runner files as ansible_facts.os_family. */
function withAnsiblePrefix(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([name, value]) => [UNPREFIXED_FACTS.has(name) ? name : `ansible_${name}`, value]));
}

const asList = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : String(value).split(',').map((part) => part.trim()).filter(Boolean));

const stringList = (description: string) => ({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description });

/**
 * Gathers facts with one command on the host, running only what gather_subset selects. Every
 * collector reads files, so none can hang and gather_timeout has nothing to cut short.
 */
export default defineModule<SetupArgs, GatheredFacts>({
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
    properties: {
      filter: stringList('Only return facts whose names match one of these shell-style (fnmatch) patterns.'),
      gather_subset: stringList('Which facts to gather: all, min, hardware, network, virtual or a collector name; prefix with ! to leave one out.'),
      gather_timeout: { type: 'integer', description: 'How long, in seconds, each fact collector may take.' },
      fact_path: { type: 'string', description: 'The folder of local facts (*.fact files, INI or JSON, or executables printing JSON), reported as ansible_local.' },
    },
  },
  read: async (ctx, args) => {
    try {
      return await gatherFacts(ctx.connection, { gatherSubset: subsetEntries(args.gather_subset), factPath: args.fact_path ?? DEFAULT_FACT_PATH, pythonInterpreter: ctx.template(ctx.vars.ansible_python_interpreter) });
    } catch (error) {
      // Like Ansible's setup module, an unknown subset fails the task on the host.
      if (error instanceof GatherSubsetError) throw new ModuleFailure(error.message);
      throw error;
    }
  },
  plan: (args, gathered) => {
    const result = { ansible_facts: withAnsiblePrefix(filterFacts(gathered.facts, asList(args.filter))) };
    return { changed: false, result: gathered.warnings.length > 0 ? { ...result, warnings: gathered.warnings } : result };
  },
});

import { defineModule, ModuleFailure } from '../contract.js';

interface GetentArgs {
  database: string;
  key?: string;
  service?: string;
  split?: string;
  fail_key: boolean;
}

interface GetentOutput {
  rc: number;
  stdout: string;
}

/** Databases whose fields are separated by colons unless told otherwise. */
const COLON_DATABASES = new Set(['passwd', 'shadow', 'group', 'gshadow']);

/** getent's documented exit codes, in Ansible's words. */
const FAILURES: Record<number, string> = {
  1: 'Missing arguments, or database unknown.',
  2: 'One or more supplied key could not be found in the database.',
  3: 'Enumeration not supported on this database.',
};

/** Python's str.split(sep): whitespace runs without a separator, the exact separator otherwise. */
function splitRecord(line: string, separator: string | undefined): string[] {
  if (separator === undefined) return line.split(/\s+/).filter((field) => field !== '');
  return line.split(separator);
}

/** key -> the other fields; a key seen more than once gets the list of its records. */
export function parseGetent(stdout: string, separator: string | undefined): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [key, ...rest] = splitRecord(line, separator);
    const count = seen.get(key ?? '') ?? 0;
    if (count === 0) tree[key] = rest;
    else if (count === 1) tree[key] = [tree[key], rest];
    else (tree[key] as unknown[]).push(rest);
    seen.set(key, count + 1);
  }
  return tree;
}

export default defineModule<GetentArgs, GetentOutput>({
  name: 'getent',
  examples: `
- name: Read the passwd database
  ansible.builtin.getent:
    database: passwd

- name: Show root's shell
  ansible.builtin.debug:
    msg: "{{ getent_passwd['root'][5] }}"
`,
  returns: {
    ansible_facts: { type: 'dict', returned: 'always', description: "getent_DATABASE - each entry's key with its remaining fields as a list." },
  },
  schema: {
    description: 'Reads a system database (passwd, group, hosts, services ...) with getent into facts named getent_DATABASE.',
    type: 'object',
    additionalProperties: false,
    required: ['database'],
    properties: {
      database: { type: 'string', minLength: 1, description: 'The database to read.' },
      key: { type: 'string', description: 'The entry to look up (all entries when not given).' },
      service: { type: 'string', description: 'The NSS service to ask (getent -s).' },
      split: { type: 'string', minLength: 1, description: 'The character that splits each entry into fields (a colon for passwd and group, else whitespace).' },
      fail_key: { type: 'boolean', default: true, description: 'Whether a missing key fails the task.' },
    },
  },
  read: async (ctx, args) => {
    const argv = ['getent', ...(args.service === undefined ? [] : ['-s', args.service]), '--', args.database, ...(args.key === undefined ? [] : [args.key])];
    const { rc, stdout } = await ctx.connection.exec(argv);
    return { rc, stdout };
  },
  plan: (args, { rc, stdout }) => {
    const fact = `getent_${args.database}`;
    if (rc === 0) return { changed: false, result: { ansible_facts: { [fact]: parseGetent(stdout, args.split ?? (COLON_DATABASES.has(args.database) ? ':' : undefined)) } } };
    const msg = FAILURES[rc] ?? 'Unexpected failure!';
    if (rc === 2 && !args.fail_key) return { changed: false, result: { ansible_facts: { [fact]: { [args.key ?? 'None']: null } }, msg } };
    throw new ModuleFailure(msg);
  },
});

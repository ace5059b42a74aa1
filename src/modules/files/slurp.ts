import { defineModule, ModuleFailure } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { probePaths, type PathProbe } from '../shared/probe.js';

const ALIASES = { src: ['path'] };

const sourceOf = (raw: Record<string, unknown>) => foldAliases<{ src: string }>(raw, ALIASES).src;

export default defineModule<Record<string, unknown>, PathProbe>({
  name: 'slurp',
  examples: `
- name: Read a token from the host
  ansible.builtin.slurp:
    src: /etc/app/token
  register: token

- name: Use it
  ansible.builtin.debug:
    msg: "{{ token.content | b64decode }}"
`,
  returns: {
    content: { type: 'str', returned: 'success', description: "The file's content, base64-encoded." },
    encoding: { type: 'str', returned: 'success', description: 'Always base64.' },
    source: { type: 'str', returned: 'success', description: 'The file that was read.' },
  },
  readOnly: true,
  schema: {
    description: 'Reads a file from the host and returns its content base64-encoded.',
    type: 'object',
    additionalProperties: false,
    ...requiredWithAliases('src', ALIASES.src),
    properties: withAliases({ src: { type: 'string', minLength: 1, description: 'The file on the host to read.' } }, ALIASES),
  },
  read: async (ctx, raw) => (await probePaths(ctx.connection, [sourceOf(raw)], { content: true })).paths[0],
  plan: (raw, found) => {
    const source = sourceOf(raw);
    if (!found.stat) throw new ModuleFailure(`file not found: ${source}`);
    if (found.stat.kind === 'directory') throw new ModuleFailure(`source is a directory and must be a file: ${source}`);
    if (found.stat.kind !== 'file') throw new ModuleFailure(`source is not a regular file: ${source}`);
    if (!found.readable || found.content === undefined) throw new ModuleFailure(`file is not readable: ${source}`);
    return { changed: false, result: { content: found.content.toString('base64'), encoding: 'base64', source } };
  },
});

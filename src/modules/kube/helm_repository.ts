import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { helmError, requireSuccess } from './lib/helm-command.js';

interface HelmRepositoryArgs {
  name: string;
  url?: string;
  state: 'present' | 'absent';
}

interface Repository {
  name: string;
  url: string;
}

const sameUrl = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
const line = (repo: Repository | undefined): string => (repo ? `${repo.name} ${repo.url}\n` : '');

/** `helm repo list -o json` rows; older helm versions spell the keys Name and URL. */
function parseRepositories(stdout: string): Repository[] {
  const rows = JSON.parse(stdout) as Record<string, unknown>[] | null;
  return (rows ?? []).map((row) => ({ name: String(row.name ?? row.Name), url: String(row.url ?? row.URL) }));
}

export default defineModule<HelmRepositoryArgs, Repository[]>({
  name: 'helm_repository',
  examples: `
- name: Add NVIDIA's chart repository
  betif.platform.helm_repository:
    name: nvidia
    url: https://helm.ngc.nvidia.com/nvidia
`,
  returns: {
    repo: { type: 'dict', returned: 'always', description: 'The repository (name, url), or null when absent.' },
  },
  namespace: 'betif.platform',
  actionGroups: ['kubernetes.core.helm'],
  schema: {
    description: 'Adds or removes a Helm chart repository.',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The repository name charts are referred to by.' },
      url: { type: 'string', minLength: 1, description: 'The repository URL (needed unless state=absent).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the repository is present or absent.' },
    },
    required: ['name'],
    if: { required: ['state'], properties: { state: { const: 'absent' } } },
    else: { required: ['url'] },
    additionalProperties: false,
  },

  async read(ctx) {
    const result = await ctx.connection.exec(['helm', 'repo', 'list', '-o', 'json']);
    if (result.rc === 0) return parseRepositories(result.stdout);
    if (/no repositories to show/.test(result.stderr)) return [];
    throw new ModuleFailure(`helm repo list failed: ${helmError(result)}`, { rc: result.rc, stderr: result.stderr });
  },

  plan(args, repositories, ctx) {
    const existing = repositories.find((repo) => repo.name === args.name);
    if (args.state === 'absent') {
      if (!existing) return { changed: false, result: { repo: null } };
      return {
        changed: true,
        diff: [{ before: line(existing), after: '', beforeHeader: 'helm repositories' }],
        result: { repo: existing },
        apply: async (): Promise<ModuleResult> => {
          const removed = requireSuccess(await ctx.connection.exec(['helm', 'repo', 'remove', args.name]), `helm repo remove ${args.name}`);
          return { stdout: removed.stdout };
        },
      };
    }
    const wanted: Repository = { name: args.name, url: args.url ?? '' };
    if (existing && !sameUrl(existing.url, wanted.url)) {
      throw new ModuleFailure(`a helm repository named '${args.name}' already exists with another URL (${existing.url}, wanted ${wanted.url}); remove it first or choose another name`);
    }
    if (existing) return { changed: false, result: { repo: existing } };
    return {
      changed: true,
      diff: [{ before: '', after: line(wanted), beforeHeader: 'helm repositories' }],
      result: { repo: wanted },
      apply: async (): Promise<ModuleResult> => {
        const added = requireSuccess(await ctx.connection.exec(['helm', 'repo', 'add', wanted.name, wanted.url]), `helm repo add ${wanted.name}`);
        return { stdout: added.stdout };
      },
    };
  },
});

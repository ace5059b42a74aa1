import { ModuleFailure } from '../contract.js';
import { adaptModule } from '../shared/adapt.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import helmRepository from './helm_repository.js';

interface HelmRepositoryArgs {
  repo_name: string;
  repo_url?: string;
  repo_state: 'present' | 'absent';
}

const ALIASES = { repo_name: ['name'], repo_url: ['url'], repo_state: ['state'] };

const PROPERTIES: Record<string, object> = {
  repo_name: { type: 'string', minLength: 1, description: 'Chart repository name.' },
  repo_url: { type: 'string', minLength: 1, description: 'Chart repository URL (required for repo_state=present).' },
  repo_state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the repository is added or removed.' },
};

const fold = (args: Record<string, unknown>): HelmRepositoryArgs => foldAliases<HelmRepositoryArgs>(args, ALIASES, PROPERTIES);

export default adaptModule(helmRepository, {
  name: 'helm_repository',
  examples: `
- name: Add the ingress-nginx chart repository
  kubernetes.core.helm_repository:
    name: ingress-nginx
    repo_url: https://kubernetes.github.io/ingress-nginx
`,
  returns: {
    repo: { type: 'dict', returned: 'always', description: 'The repository (name, url), or null when absent.' },
    stdout: { type: 'str', returned: 'changed', description: "helm's output." },
  },
  namespace: 'kubernetes.core',
  schema: {
    type: 'object',
    description: 'Manages Helm chart repositories (kubernetes.core.helm_repository, run by betif-play natively).',
    properties: withAliases(PROPERTIES, ALIASES),
    ...requiredWithAliases('repo_name', ALIASES.repo_name),
    additionalProperties: false,
  },
  toBase(args: Record<string, unknown>) {
    const repository = fold(args);
    if (repository.repo_state === 'present' && repository.repo_url === undefined) {
      throw new ModuleFailure('repo_state is present but all of the following are missing: repo_url');
    }
    return { name: repository.repo_name, url: repository.repo_url, state: repository.repo_state };
  },
  toResult: (result) => result,
});

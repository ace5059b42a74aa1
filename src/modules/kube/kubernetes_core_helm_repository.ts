import { parse } from 'yaml';
import type { ExecResult } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleResult } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { AUTH_ALIASES, AUTH_PROPERTIES, authFlags, commandText, helmBinary, locateHelmArgv, requireHelm, type HelmAuthArgs } from './lib/helm-collection.js';
import { runCommandBatch } from './lib/kube-command-batch.js';

interface HelmRepositoryArgs extends HelmAuthArgs {
  repo_name: string;
  repo_url?: string;
  repo_username?: string;
  repo_password?: string;
  repo_state: 'present' | 'absent';
  pass_credentials: boolean;
  force_update: boolean;
}

interface Repository {
  name: string;
  url: string;
}

interface RepositoryState {
  binary: string;
  repository: Repository | undefined;
}

const ALIASES = { repo_name: ['name'], repo_url: ['url'], repo_username: ['username'], repo_password: ['password'], repo_state: ['state'], force_update: ['force'], ...AUTH_ALIASES };

const PROPERTIES: Record<string, object> = {
  repo_name: { type: 'string', minLength: 1, description: 'Chart repository name.' },
  repo_url: { type: 'string', minLength: 1, description: 'Chart repository URL (required for repo_state=present).' },
  repo_username: { type: 'string', minLength: 1, description: 'Chart repository username for a repository with basic auth (with repo_password).' },
  repo_password: { type: 'string', minLength: 1, description: 'Chart repository password for a repository with basic auth (given to helm on its standard input).' },
  repo_state: { enum: ['present', 'absent'], default: 'present', description: 'Desired state of the repository.' },
  pass_credentials: { type: 'boolean', default: false, description: 'Pass the credentials to all domains (helm --pass-credentials).' },
  force_update: { type: 'boolean', default: false, description: 'Whether to replace (overwrite) the repository if it already exists.' },
  ...AUTH_PROPERTIES,
};

const fold = (args: Record<string, unknown>): HelmRepositoryArgs => foldAliases<HelmRepositoryArgs>(args, ALIASES, PROPERTIES);

/** The collection's required_together, required_if and mutually_exclusive: failures of the task when it runs, as Ansible reports them. */
function requireValidCombination(args: HelmRepositoryArgs, raw: Record<string, unknown>): void {
  if (args.context !== undefined && args.ca_cert !== undefined) throw new ModuleFailure('parameters are mutually exclusive: context|ca_cert');
  if (args.context !== undefined && (raw.validate_certs !== undefined || raw.verify_ssl !== undefined)) throw new ModuleFailure('parameters are mutually exclusive: context|validate_certs');
  if ((args.repo_username === undefined) !== (args.repo_password === undefined)) throw new ModuleFailure('parameters are required together: repo_username, repo_password');
  if (args.repo_state === 'present' && args.repo_url === undefined) throw new ModuleFailure('repo_state is present but all of the following are missing: repo_url');
}

/** get_repository_status: the repository of that name in `helm repo list`, none when helm has no repositories at all. */
function repositoryOf(list: ExecResult, name: string, command: string): Repository | undefined {
  if (list.rc === 1 && list.stderr.includes('no repositories to show')) return undefined;
  const rows = parse(requireHelm(list, command).stdout) as unknown;
  return Array.isArray(rows) ? (rows as Repository[]).find((row) => row.name === name) : undefined;
}

function addArgv(binary: string, args: HelmRepositoryArgs): string[] {
  const credentials = args.repo_username !== undefined && args.repo_password !== undefined;
  return [
    binary, 'repo', 'add', args.repo_name, args.repo_url ?? '',
    // The password goes on helm's standard input, never on the command line.
    ...(credentials ? [`--username=${args.repo_username}`, '--password-stdin'] : []),
    ...(args.pass_credentials ? ['--pass-credentials'] : []),
    ...(args.force_update ? ['--force-update'] : []),
    ...authFlags(args),
  ];
}

export default defineModule<Record<string, unknown>, RepositoryState>({
  name: 'helm_repository',
  namespace: 'kubernetes.core',
  actionGroups: ['kubernetes.core.helm'],
  examples: `
- name: Add the ingress-nginx chart repository
  kubernetes.core.helm_repository:
    name: ingress-nginx
    repo_url: https://kubernetes.github.io/ingress-nginx

- name: Remove it
  kubernetes.core.helm_repository:
    name: ingress-nginx
    repo_state: absent
`,
  returns: {
    stdout: { type: 'str', returned: 'changed', description: "helm's output." },
    stderr: { type: 'str', returned: 'changed', description: "helm's error output." },
    command: { type: 'str', returned: 'changed', description: 'The helm command that was run (the password masked).' },
    repo_name: { type: 'str', returned: 'unchanged', description: 'The repository name.' },
    repo_url: { type: 'str', returned: 'unchanged', description: 'The repository URL.' },
  },
  secretArgs: ['repo_password', 'password'],
  schema: {
    type: 'object',
    description: 'Manages Helm chart repositories (kubernetes.core.helm_repository, run by betif-play natively).',
    properties: withAliases(PROPERTIES, ALIASES),
    ...requiredWithAliases('repo_name', ALIASES.repo_name),
    additionalProperties: false,
  },
  async read(ctx, raw) {
    const args = fold(raw);
    requireValidCombination(args, raw);
    const list = [args.binary_path ?? 'helm', 'repo', 'list', '--output=yaml', ...authFlags(args)];
    const [located, listed] = await runCommandBatch(ctx.connection, [locateHelmArgv(args), list]);
    const binary = helmBinary(located);
    return { binary, repository: repositoryOf(listed, args.repo_name, commandText([binary, ...list.slice(1)])) };
  },

  plan(raw, { binary, repository }, ctx) {
    const args = fold(raw);
    let argv: string[] | undefined;
    if (args.repo_state === 'absent') {
      if (repository) argv = [binary, 'repo', 'rm', args.repo_name, ...authFlags(args)];
    } else if (!repository || args.force_update) {
      argv = addArgv(binary, args);
    } else if (repository.url !== args.repo_url) {
      throw new ModuleFailure(`Repository already have a repository named ${args.repo_name}`);
    }
    if (!argv) return { changed: false, result: { repo_name: args.repo_name, repo_url: args.repo_url } };
    const command = commandText(argv);
    const line = (repo: Repository | undefined): string => (repo ? `${repo.name} ${repo.url}\n` : '');
    const after = args.repo_state === 'absent' ? undefined : { name: args.repo_name, url: args.repo_url ?? '' };
    const deploy = argv;
    return {
      changed: true,
      diff: [{ before: line(repository), after: line(after), beforeHeader: 'helm repositories' }],
      result: {},
      apply: async (): Promise<ModuleResult> => {
        const ran = await ctx.connection.exec(deploy, { stdin: deploy.includes('--password-stdin') ? `${args.repo_password}\n` : '' });
        requireHelm(ran, command);
        return { stdout: ran.stdout, stderr: ran.stderr, command };
      },
    };
  },
});

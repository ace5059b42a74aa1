import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import type { ExecResult } from '../../connection/types.js';
import { defineModule, ModuleFailure, type ModuleContext, type ModuleResult } from '../contract.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import { AUTH_ALIASES, AUTH_PROPERTIES, authFlags, commandText, helmBinary, locateHelmArgv, requireHelm, type HelmAuthArgs } from './lib/helm-collection.js';
import { isMapping, valuesYaml, type Values } from './lib/helm-values.js';
import { runCommandBatch } from './lib/kube-command-batch.js';

interface SetValue {
  value: string;
  value_type: 'raw' | 'string' | 'json' | 'file';
}

/** kubernetes.core.helm's arguments under their canonical names. */
interface HelmArgs extends HelmAuthArgs {
  release_name: string;
  release_namespace: string;
  chart_ref?: string;
  chart_repo_url?: string;
  chart_version?: string;
  dependency_update: boolean;
  release_values: Values;
  values_files: string[];
  create_namespace: boolean;
  release_state: 'present' | 'absent';
  update_repo_cache: boolean;
  disable_hook: boolean;
  force: boolean;
  purge: boolean;
  wait: boolean;
  wait_timeout?: string;
  timeout?: string;
  atomic: boolean;
  post_renderer?: string;
  replace: boolean;
  skip_crds: boolean;
  history_max?: number;
  set_values: SetValue[];
}

/** A row of `helm list` with the release's user values, as kubernetes.core returns it in `status`. */
type Release = Record<string, unknown> & { chart: string; app_version: string; values: Values };

interface HelmState {
  binary: string;
  release: Release | null;
  /** `helm show chart` of chart_ref (state present). */
  chart?: Values;
  /** The content of each values file, for kubernetes.core's idempotency check. */
  valuesFiles: unknown[];
}

const ALIASES = {
  release_name: ['name'],
  release_namespace: ['namespace'],
  release_values: ['values'],
  release_state: ['state'],
  dependency_update: ['dep_up'],
  ...AUTH_ALIASES,
};

const PROPERTIES: Record<string, object> = {
  release_name: { type: 'string', minLength: 1, description: 'Release name to manage.' },
  release_namespace: { type: 'string', minLength: 1, description: 'Kubernetes namespace where the chart should be installed.' },
  chart_ref: { type: 'string', minLength: 1, description: 'Chart reference: repo/chart, a path to a chart folder or packaged chart, or a URL (required when release_state is present).' },
  chart_repo_url: { type: 'string', minLength: 1, description: 'Chart repository URL where to locate the requested chart.' },
  chart_version: { type: 'string', minLength: 1, description: 'Chart version to install; the latest when not given.' },
  dependency_update: { type: 'boolean', default: false, description: 'Run helm dependency update on a chart folder before the operation.' },
  release_values: { type: 'object', default: {}, description: 'Values to pass to the chart.' },
  values_files: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: "Value files on the target to pass to the chart, in order (evaluated before values)." },
  create_namespace: { type: 'boolean', default: false, description: 'Create the release namespace if not present.' },
  release_state: { enum: ['present', 'absent'], default: 'present', description: 'Desired state of the release.' },
  update_repo_cache: { type: 'boolean', default: false, description: 'Run helm repo update before the operation (also in check mode).' },
  disable_hook: { type: 'boolean', default: false, description: 'Helm option to disable hooks on install/upgrade/delete.' },
  force: { type: 'boolean', default: false, description: 'Helm option to force reinstall, ignored on a new install.' },
  purge: { type: 'boolean', default: true, description: 'Remove the release from the store and make its name free for later use.' },
  wait: { type: 'boolean', default: false, description: 'Wait until the release is ready (present) or its resources are deleted (absent).' },
  wait_timeout: { type: 'string', minLength: 1, description: 'Timeout when wait is set (a helm duration, e.g. 5m0s).' },
  timeout: { type: 'string', minLength: 1, description: 'A Go duration to wait for Kubernetes commands to complete (helm --timeout).' },
  atomic: { type: 'boolean', default: false, description: 'If set, the installation process deletes the installation on failure.' },
  post_renderer: { type: 'string', minLength: 1, description: 'Path to an executable to be used for post rendering.' },
  replace: { type: 'boolean', default: false, description: 'Reuse the given name, only if that name is a deleted release which remains in the history.' },
  skip_crds: { type: 'boolean', default: false, description: 'Skip custom resource definitions when installing or upgrading.' },
  history_max: { type: 'integer', description: 'Limit the maximum number of revisions saved per release.' },
  set_values: {
    type: 'array',
    default: [],
    description: 'Values to pass to the chart configuration, one --set (or --set-string, --set-json, --set-file) each.',
    items: {
      type: 'object',
      required: ['value'],
      additionalProperties: false,
      properties: {
        value: { type: 'string', description: 'Value to pass to the chart configuration (e.g. phase=prod).' },
        value_type: { enum: ['raw', 'string', 'json', 'file'], default: 'raw', description: 'How helm reads the value: raw (--set), string, json or file.' },
      },
    },
  },
  ...AUTH_PROPERTIES,
};

const EXCLUSIVE: [string, string][] = [['replace', 'history_max'], ['wait_timeout', 'timeout'], ['context', 'ca_cert']];

const fold = (args: Record<string, unknown>): HelmArgs => foldAliases<HelmArgs>(args, ALIASES, PROPERTIES);

/** The collection's required_if and mutually_exclusive: failures of the task when it runs, as Ansible reports them. */
function requireValidCombination(args: HelmArgs): void {
  const given = args as unknown as Record<string, unknown>;
  const clash = EXCLUSIVE.find(([a, b]) => given[a] !== undefined && given[b] !== undefined);
  if (clash) throw new ModuleFailure(`parameters are mutually exclusive: ${clash.join('|')}`);
  if (args.release_state === 'present' && args.chart_ref === undefined) throw new ModuleFailure('release_state is present but all of the following are missing: chart_ref');
}

const IDEMPOTENCY_WARNING = 'The default idempotency check can fail to report changes in certain cases. Install helm diff >= 3.4.1 for better results.';

function flagsOf(args: HelmArgs): string[] {
  return ['--namespace', args.release_namespace, ...authFlags(args)];
}

function chartFlags(args: HelmArgs): string[] {
  return [...(args.chart_version === undefined ? [] : [`--version=${args.chart_version}`]), ...(args.chart_repo_url === undefined ? [] : [`--repo=${args.chart_repo_url}`])];
}

function statusArgv(binary: string, args: HelmArgs): string[][] {
  return [
    [binary, 'list', '--output=json', '--filter', args.release_name, ...flagsOf(args)],
    [binary, 'get', 'values', '--output=json', args.release_name, ...flagsOf(args)],
  ];
}

function parseJson(result: ExecResult, command: string): unknown {
  try {
    return JSON.parse(requireHelm(result, command).stdout);
  } catch (error) {
    if (error instanceof ModuleFailure) throw error;
    throw new ModuleFailure(`${command} did not print JSON: ${result.stdout.slice(0, 200)}`);
  }
}

/** get_release_status: the release's `helm list` row (the exact name among the filter's matches) with its user values. */
function releaseOf(list: ExecResult, values: ExecResult, name: string): Release | null {
  const rows = parseJson(list, 'helm list');
  const row = Array.isArray(rows) ? (rows as Record<string, unknown>[]).find((each) => each.name === name) : undefined;
  if (!row) return null;
  const userValues = parseJson(values, `helm get values ${name}`);
  return { ...row, values: isMapping(userValues) ? userValues : {} } as Release;
}

/** kubernetes.core's load_values_files: the top-level keys of each file that holds a mapping, later files winning. */
function valuesOfFiles(contents: unknown[]): Values {
  return Object.assign({}, ...contents.filter(isMapping)) as Values;
}

/** kubernetes.core's default_check: the values, the chart's name-version or its appVersion differ. */
function wouldChange(release: Release, chart: Values, args: HelmArgs, files: unknown[]): boolean {
  const appVersion = chart.appVersion;
  const sameAppVersion = appVersion === release.app_version || (appVersion === undefined && release.app_version === '');
  const wanted = args.values_files.length > 0 ? valuesOfFiles(files) : args.release_values;
  return !isDeepStrictEqual(release.values, wanted) || `${String(chart.name)}-${String(chart.version)}` !== release.chart || !sameAppVersion;
}

function setValueArgs(setValues: SetValue[]): string[] {
  return setValues.flatMap(({ value, value_type: type }) => (type === 'raw' ? ['--set', value] : [`--set-${type}`, value]));
}

function deployArgv(binary: string, args: HelmArgs, release: Release | null): string[] {
  const timeout = args.wait && args.wait_timeout !== undefined ? ['--timeout', args.wait_timeout] : [];
  return [
    binary,
    ...chartFlags(args),
    ...(args.replace ? ['install', ...(args.dependency_update ? ['--dependency-update'] : [])] : ['upgrade', '-i', '--reset-values']),
    ...(args.wait ? ['--wait', ...timeout] : []),
    ...(args.atomic ? ['--atomic'] : []),
    ...(args.timeout === undefined ? [] : ['--timeout', args.timeout]),
    // As kubernetes.core: force is never passed for a first install.
    ...(args.force && release !== null ? ['--force'] : []),
    ...(args.replace ? ['--replace'] : []),
    ...(args.disable_hook ? ['--no-hooks'] : []),
    ...(args.create_namespace ? ['--create-namespace'] : []),
    ...args.values_files.map((file) => `--values=${file}`),
    ...(Object.keys(args.release_values).length > 0 ? ['--values=-'] : []),
    ...(args.post_renderer === undefined ? [] : [`--post-renderer=${args.post_renderer}`]),
    ...(args.skip_crds ? ['--skip-crds'] : []),
    ...(args.history_max === undefined ? [] : [`--history-max=${args.history_max}`]),
    ...setValueArgs(args.set_values),
    ...flagsOf(args),
    args.release_name,
    args.chart_ref ?? '',
  ];
}

function uninstallArgv(binary: string, args: HelmArgs): string[] {
  return [
    binary,
    'uninstall',
    ...(args.purge ? [] : ['--keep-history']),
    ...(args.disable_hook ? ['--no-hooks'] : []),
    ...(args.wait ? ['--wait'] : []),
    ...(args.wait_timeout === undefined ? [] : ['--timeout', args.wait_timeout]),
    ...flagsOf(args),
    args.release_name,
  ];
}

function parseValuesFile(result: ExecResult, file: string): unknown {
  if (result.rc !== 0) throw new ModuleFailure(`could not read values file ${file} on the target: ${result.stderr.trim()}`);
  return parse(result.stdout) as unknown;
}

/** helm dependency update, before the check as kubernetes.core runs it (also in check mode), for a chart folder that has dependencies. */
async function updateDependencies(ctx: ModuleContext, args: HelmArgs, binary: string, chart: Values): Promise<void> {
  if (!args.dependency_update || !Array.isArray(chart.dependencies) || chart.dependencies.length === 0) return;
  if (args.chart_repo_url !== undefined || /^https?:\/\/[\w.:/?&=-]+$/.test(args.chart_ref ?? '')) {
    if (!args.replace) throw new ModuleFailure("'--dependency-update' hasn't been supported yet with 'helm upgrade'. Please use 'helm install' instead by adding 'replace' option");
    return;
  }
  const argv = [binary, 'dependency', 'update', args.chart_ref ?? '', ...flagsOf(args)];
  requireHelm(await ctx.connection.exec(argv), commandText(argv));
}

export default defineModule<Record<string, unknown>, HelmState>({
  name: 'helm',
  namespace: 'kubernetes.core',
  actionGroups: ['kubernetes.core.helm'],
  examples: `
- name: Deploy a chart from a repository
  kubernetes.core.helm:
    name: ingress
    chart_ref: ingress-nginx/ingress-nginx
    chart_version: 4.10.0
    release_namespace: ingress
    create_namespace: true
    values:
      controller:
        replicaCount: 2

- name: Remove it
  kubernetes.core.helm:
    name: ingress
    release_namespace: ingress
    state: absent
`,
  returns: {
    status: { type: 'dict', returned: 'always', description: "The release as helm list shows it (name, namespace, revision, updated, status, chart, app_version) with its values; null when it is not installed; in check mode {values: {current, declared}}." },
    stdout: { type: 'str', returned: 'always', description: "helm's output ('' when nothing ran)." },
    stderr: { type: 'str', returned: 'always', description: "helm's error output." },
    command: { type: 'str', returned: 'always', description: 'The helm command that was (or would be) run.' },
  },
  schema: {
    type: 'object',
    description: 'Manages Kubernetes packages with the Helm package manager (kubernetes.core.helm, run by betif-play natively).',
    properties: withAliases(PROPERTIES, ALIASES),
    allOf: [requiredWithAliases('release_name', ALIASES.release_name), requiredWithAliases('release_namespace', ALIASES.release_namespace)],
    additionalProperties: false,
  },
  async read(ctx, raw) {
    const args = fold(raw);
    requireValidCombination(args);
    const present = args.release_state === 'present';
    // Commands run helm as the target's PATH finds it; the located path names it in the returned command, as Ansible does.
    const helm = args.binary_path ?? 'helm';
    const repoUpdate = [helm, 'repo', 'update', ...flagsOf(args)];
    const showChart = [helm, ...chartFlags(args), 'show', 'chart', args.chart_ref ?? '', ...flagsOf(args)];
    const commands = [
      locateHelmArgv(args),
      ...(args.update_repo_cache ? [repoUpdate] : []),
      ...statusArgv(helm, args),
      ...(present ? [showChart, ...args.values_files.map((file) => ['cat', '--', file])] : []),
    ];
    const results = await runCommandBatch(ctx.connection, commands);
    const binary = helmBinary(results.shift() as ExecResult);
    if (args.update_repo_cache) requireHelm(results.shift() as ExecResult, commandText(repoUpdate));
    const [list, values, show, ...files] = results;
    const release = releaseOf(list, values, args.release_name);
    if (!present) return { binary, release, valuesFiles: [] };
    const chart = parse(requireHelm(show, commandText(showChart)).stdout) as unknown;
    if (!isMapping(chart)) throw new ModuleFailure(`${commandText(showChart)} printed no chart metadata`);
    await updateDependencies(ctx, args, binary, chart);
    // Only the idempotency check of an installed release reads the files, as kubernetes.core does.
    const valuesFiles = release === null ? [] : files.map((file, index) => parseValuesFile(file, args.values_files[index]));
    return { binary, release, chart, valuesFiles };
  },

  plan(raw, { binary, release, chart, valuesFiles }, ctx) {
    const args = fold(raw);
    let argv: string[] | undefined;
    const warnings: string[] = [];
    if (args.release_state === 'absent') {
      if (release !== null) argv = uninstallArgv(binary, args);
    } else if (release === null) {
      argv = deployArgv(binary, args, release);
    } else {
      warnings.push(IDEMPOTENCY_WARNING);
      if (args.force || wouldChange(release, chart ?? {}, args, valuesFiles)) argv = deployArgv(binary, args, release);
    }
    const notices = warnings.length > 0 ? { warnings } : {};
    const command = argv ? commandText(argv) : binary;
    if (!argv) return { changed: false, result: { status: release, stdout: '', stderr: '', command, ...notices } };
    const header = `helm release ${args.release_namespace}/${args.release_name} (values)`;
    const after = args.release_state === 'absent' ? '' : valuesYaml(args.release_values);
    const checkStatus = { values: { current: release?.values ?? {}, declared: release ?? {} } };
    const deploy = argv;
    return {
      changed: true,
      diff: [{ before: valuesYaml(release?.values), after, beforeHeader: header }],
      result: { status: checkStatus, stdout: '', stderr: '', command, ...notices },
      apply: async (): Promise<ModuleResult> => {
        const stdin = deploy.includes('--values=-') ? stringify(args.release_values) : '';
        const [ran, list, values] = await runCommandBatch(ctx.connection, [deploy, ...statusArgv(binary, args)], stdin);
        requireHelm(ran, command);
        return { stdout: ran.stdout, stderr: ran.stderr, status: releaseOf(list, values, args.release_name) };
      },
    };
  },
});

import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { defineModule, ModuleFailure, type FileDiff, type ModuleResult } from '../contract.js';
import { clusterFlags, requireSuccess, type HelmTarget } from './lib/helm-command.js';
import { historyArgv, parseLastRevision, readRelease, type ChartState, type ReleaseRead, type ReleaseState } from './lib/helm-release-state.js';
import { maskSecrets, secretPaths } from './lib/helm-secret-values.js';
import { canonicalJson, mergeValues, valuesYaml, type Values } from './lib/helm-values.js';
import { runCommandBatch } from './lib/kube-command-batch.js';

interface HelmReleaseArgs {
  name: string;
  chart?: string;
  namespace: string;
  create_namespace: boolean;
  version?: string;
  values: Values;
  /** Merged over values like them, but never shown: masked in the diff, and by the runner everywhere. */
  secret_values: Values;
  values_files: string[];
  dependency_build: boolean;
  wait: boolean;
  timeout?: string | number;
  atomic: boolean;
  cleanup_on_fail: boolean;
  kubeconfig?: string;
  state: 'present' | 'absent';
}

const DESCRIPTION_PREFIX = 'betif-play sha256:';

const targetOf = (args: HelmReleaseArgs): HelmTarget => ({ namespace: args.namespace, kubeconfig: args.kubeconfig });
const timeoutOf = (timeout: string | number | undefined): string[] => (timeout === undefined ? [] : ['--timeout', typeof timeout === 'number' ? `${timeout}s` : timeout]);

/** Stored in the release description: helm cannot see edits inside a local chart, this digest can. */
function contentDescription(chart: ChartState, values: Values): string {
  return DESCRIPTION_PREFIX + createHash('sha256').update(`${chart.digest ?? ''}\n${canonicalJson(values)}`).digest('hex');
}

function whyChanged(release: ReleaseState, chart: ChartState, values: Values, description: string): string[] {
  if (!release.exists) return ['release is not installed'];
  const reasons: string[] = [];
  if (release.status !== 'deployed') reasons.push(`release status is ${release.status}`);
  const wantedChart = `${chart.name}-${chart.version}`;
  if (release.chart !== wantedChart) reasons.push(`chart ${release.chart} is deployed, wanted ${wantedChart}`);
  if (canonicalJson(release.values) !== canonicalJson(values)) reasons.push('values differ');
  if (chart.local && release.description !== description) reasons.push('local chart content changed');
  return reasons;
}

function summary(release: ReleaseState, args: HelmReleaseArgs): ModuleResult {
  if (!release.exists) return { name: args.name, namespace: args.namespace, status: null };
  return { name: args.name, namespace: args.namespace, revision: release.revision, status: release.status, chart: release.chart, app_version: release.appVersion };
}

/** The values this task gives helm on stdin: values with secret_values merged over them. */
function taskValues(args: HelmReleaseArgs): Values {
  return mergeValues(args.values, args.secret_values);
}

function upgradeArgv(args: HelmReleaseArgs, chart: ChartState, description: string, given: Values): string[] {
  return [
    'helm', 'upgrade', '--install', args.name, args.chart ?? '',
    ...clusterFlags(targetOf(args)),
    ...(args.create_namespace ? ['--create-namespace'] : []),
    ...(args.version !== undefined && !chart.local ? ['--version', args.version] : []),
    ...args.values_files.flatMap((file) => ['--values', file]),
    ...(Object.keys(given).length > 0 ? ['--values', '-'] : []),
    // Without it helm reuses the old values when none are given, and a removed value would never go away.
    '--reset-values',
    '--description', description,
    ...(args.wait ? ['--wait'] : []),
    ...timeoutOf(args.timeout),
    ...(args.atomic ? ['--atomic'] : []),
    ...(args.cleanup_on_fail ? ['--cleanup-on-fail'] : []),
  ];
}

export default defineModule<HelmReleaseArgs, ReleaseRead>({
  name: 'helm_release',
  examples: `
- name: Install the GPU operator
  betif.platform.helm_release:
    name: gpu-operator
    chart: nvidia/gpu-operator
    version: v24.3.0
    namespace: gpu-operator
    create_namespace: true
    values:
      driver:
        enabled: false
    wait: true
`,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The release name.' },
    namespace: { type: 'str', returned: 'always', description: 'The release namespace.' },
    revision: { type: 'int', returned: 'when installed', description: 'The release revision.' },
    status: { type: 'str', returned: 'always', description: 'The release status (deployed, uninstalled ...).' },
    chart: { type: 'str', returned: 'when installed', description: 'The chart name and version.' },
    app_version: { type: 'str', returned: 'when installed', description: "The chart's application version." },
    reasons: { type: 'list', returned: 'changed', description: 'Why the release is (re)installed.' },
  },
  namespace: 'betif.platform',
  actionGroups: ['kubernetes.core.helm'],
  schema: {
    description: 'Installs, upgrades or uninstalls a Helm release, changed only when the chart, version or values differ.',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The release name.' },
      chart: { type: 'string', minLength: 1, description: 'The chart - repo/name, a local path or an OCI or https URL (needed unless state=absent).' },
      namespace: { type: 'string', minLength: 1, default: 'default', description: 'The Kubernetes namespace of the release.' },
      create_namespace: { type: 'boolean', default: false, description: 'Whether the namespace is created when missing.' },
      version: { type: 'string', minLength: 1, description: 'The chart version to install (the newest when not given).' },
      values: { type: 'object', default: {}, description: 'Chart values, as a mapping.' },
      secret_values: { type: 'object', default: {}, description: 'Chart values merged over values that are never shown - masked in diffs, output and logs.' },
      values_files: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Values files on the host, applied before values.' },
      dependency_build: { type: 'boolean', default: false, description: "Whether a local chart's dependencies are built first (helm dependency build)." },
      wait: { type: 'boolean', default: false, description: "Whether helm waits until the release's resources are ready." },
      timeout: { type: ['string', 'integer'], description: 'How long helm waits, as a Go duration (5m0s) or seconds.' },
      atomic: { type: 'boolean', default: false, description: 'Whether a failed upgrade is rolled back.' },
      cleanup_on_fail: { type: 'boolean', default: false, description: 'Whether resources created by a failed upgrade are deleted.' },
      kubeconfig: { type: 'string', minLength: 1, description: 'The kubeconfig file on the host that helm uses.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the release is installed (present) or uninstalled (absent).' },
    },
    required: ['name'],
    if: { required: ['state'], properties: { state: { const: 'absent' } } },
    else: { required: ['chart'] },
    additionalProperties: false,
  },

  read(ctx, args) {
    const present = args.state === 'present';
    return readRelease(ctx.connection, {
      name: args.name,
      target: targetOf(args),
      chart: present ? args.chart : undefined,
      version: args.version,
      valuesFiles: present ? args.values_files : [],
      skipBuiltDependencies: args.dependency_build,
    });
  },

  secretArgs: ['secret_values'],

  plan(args, { release, chart, valuesFiles }, ctx) {
    const header = `helm release ${args.namespace}/${args.name} (values)`;
    const secrets = secretPaths(args.secret_values);
    const deployedValues = maskSecrets(release.values, secrets);
    if (args.state === 'absent') {
      if (!release.exists) return { changed: false, result: summary(release, args) };
      return {
        changed: true,
        diff: [{ before: valuesYaml(deployedValues), after: '', beforeHeader: header }],
        result: summary(release, args),
        apply: async () => {
          const argv = ['helm', 'uninstall', args.name, ...clusterFlags(targetOf(args)), ...(args.wait ? ['--wait'] : []), ...timeoutOf(args.timeout)];
          const removed = requireSuccess(await ctx.connection.exec(argv), `helm uninstall ${args.name}`);
          return { status: 'uninstalled', stdout: removed.stdout };
        },
      };
    }
    if (!chart) throw new ModuleFailure('state=present needs a chart');
    if (args.dependency_build && !chart.local) throw new ModuleFailure(`dependency_build needs a chart folder on the target; ${args.chart} is not one`);
    const given = taskValues(args);
    const values = [...valuesFiles, given].reduce(mergeValues, {});
    const description = contentDescription(chart, values);
    const reasons = whyChanged(release, chart, values, description);
    if (reasons.length === 0) return { changed: false, result: summary(release, args) };

    const diff: FileDiff[] = [{ before: valuesYaml(deployedValues), after: valuesYaml(maskSecrets(values, secrets, release.values)), beforeHeader: header }];
    const wantedChart = `${chart.name}-${chart.version}`;
    if (release.chart !== wantedChart) diff.push({ before: release.chart ? `${release.chart}\n` : '', after: `${wantedChart}\n`, beforeHeader: `helm release ${args.namespace}/${args.name} (chart)` });
    return {
      changed: true,
      diff,
      result: { ...summary(release, args), reasons },
      apply: async () => {
        const build = args.dependency_build ? [['helm', 'dependency', 'build', args.chart ?? '']] : [];
        const results = await runCommandBatch(
          ctx.connection,
          [...build, upgradeArgv(args, chart, description, given), historyArgv(args.name, targetOf(args))],
          Object.keys(given).length > 0 ? stringify(given) : '',
        );
        if (args.dependency_build) requireSuccess(results[0], `helm dependency build ${args.chart}`);
        const upgrade = requireSuccess(results[build.length], `helm upgrade ${args.name}`);
        const deployed = parseLastRevision(results[build.length + 1], args.name);
        return { ...summary({ ...deployed, values }, args), stdout: upgrade.stdout };
      },
    };
  },
});

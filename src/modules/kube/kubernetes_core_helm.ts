import type { ModuleResult } from '../contract.js';
import { adaptModule } from '../shared/adapt.js';
import { foldAliases, requiredWithAliases, withAliases } from '../shared/arg-schema.js';
import helmRelease from './helm_release.js';
import { requireSuccess } from './lib/helm-command.js';

/** kubernetes.core.helm's arguments under their canonical names. */
interface HelmArgs {
  release_name: string;
  release_namespace: string;
  chart_ref?: string;
  chart_version?: string;
  release_values: Record<string, unknown>;
  values_files: string[];
  create_namespace: boolean;
  release_state: 'present' | 'absent';
  update_repo_cache: boolean;
  wait: boolean;
  wait_timeout?: string;
  atomic: boolean;
  kubeconfig?: string;
}

const ALIASES = { release_name: ['name'], release_namespace: ['namespace'], release_values: ['values'], release_state: ['state'], kubeconfig: ['kubeconfig_path'] };

const PROPERTIES: Record<string, object> = {
  release_name: { type: 'string', minLength: 1, description: 'Release name to manage.' },
  release_namespace: { type: 'string', minLength: 1, description: 'Kubernetes namespace where the chart should be installed.' },
  chart_ref: { type: 'string', minLength: 1, description: 'Chart reference: repo/chart, a path to a chart folder or packaged chart, or a URL.' },
  chart_version: { type: 'string', minLength: 1, description: 'Chart version to install; the latest when not given.' },
  release_values: { type: 'object', default: {}, description: 'Value to pass to chart (like helm --values -).' },
  values_files: { type: 'array', items: { type: 'string', minLength: 1 }, default: [], description: 'Value files on the target to pass to chart, in order.' },
  create_namespace: { type: 'boolean', default: false, description: 'Create the release namespace if not present.' },
  release_state: { enum: ['present', 'absent'], default: 'present', description: 'present installs or upgrades the release; absent uninstalls it.' },
  update_repo_cache: { type: 'boolean', default: false, description: 'Run helm repo update before the operation (also in check mode).' },
  wait: { type: 'boolean', default: false, description: 'Wait until all Pods, PVCs, Services and minimum Deployment replicas are ready.' },
  wait_timeout: { type: 'string', minLength: 1, description: 'Timeout when wait is set (a helm duration, e.g. 5m0s).' },
  atomic: { type: 'boolean', default: false, description: 'Roll back the release when the upgrade fails.' },
  kubeconfig: { type: 'string', minLength: 1, description: 'Path to the kubeconfig file on the target.' },
};

const fold = (args: Record<string, unknown>): HelmArgs => foldAliases<HelmArgs>(args, ALIASES, PROPERTIES);

/** The release summary as kubernetes.core.helm's `status`: null when the release is not installed. */
function toResult(result: ModuleResult): ModuleResult {
  const { name, namespace, revision, status, chart, app_version: appVersion, reasons: _reasons, ...rest } = result;
  return { ...rest, status: status === null || status === undefined ? null : { name, namespace, revision, status, chart, app_version: appVersion } };
}

export default adaptModule(helmRelease, {
  name: 'helm',
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
    status: { type: 'dict', returned: 'always', description: 'The release - name, namespace, revision, status, chart, app_version (null when there is none).' },
    stdout: { type: 'str', returned: 'changed', description: "helm's output." },
  },
  namespace: 'kubernetes.core',
  schema: {
    type: 'object',
    description: 'Manages Kubernetes packages with the Helm package manager (kubernetes.core.helm, run by betif-play natively).',
    properties: withAliases(PROPERTIES, ALIASES),
    allOf: [requiredWithAliases('release_name', ALIASES.release_name), requiredWithAliases('release_namespace', ALIASES.release_namespace)],
    additionalProperties: false,
  },
  async beforeRead(ctx, args: Record<string, unknown>) {
    if (fold(args).update_repo_cache) requireSuccess(await ctx.connection.exec(['helm', 'repo', 'update']), 'helm repo update');
  },
  toBase(args: Record<string, unknown>) {
    const helm = fold(args);
    return {
      name: helm.release_name,
      namespace: helm.release_namespace,
      chart: helm.chart_ref,
      version: helm.chart_version,
      values: helm.release_values,
      secret_values: {},
      values_files: helm.values_files,
      create_namespace: helm.create_namespace,
      dependency_build: false,
      wait: helm.wait,
      timeout: helm.wait_timeout,
      atomic: helm.atomic,
      cleanup_on_fail: false,
      kubeconfig: helm.kubeconfig,
      state: helm.release_state,
    };
  },
  toResult,
});

import { stringify } from 'yaml';
import { ArgumentError } from '../args.js';
import { defineModule, ModuleFailure, type FileDiff, type ModuleResult } from '../contract.js';
import { parseObjectOutcomes } from './lib/kube-apply-output.js';
import { objectDiffs } from './lib/kube-diff.js';

type Manifest = Record<string, unknown>;

interface KubeApplyArgs {
  src?: string | string[];
  definition?: Manifest | Manifest[];
  namespace?: string;
  kubeconfig?: string;
  state: 'present' | 'absent';
}

/** What the cluster holds compared with the manifests. */
type ClusterState =
  | { state: 'present'; differences: false }
  | { state: 'present'; differences: true; diff: FileDiff[]; note?: string }
  | { state: 'absent'; existing: Manifest[] };

/** kubectl diff fails (exit > 1) when a namespace or CRD the manifests need is not there yet: applying creates them. */
const NOT_THERE_YET = /NotFound|not found|no matches for kind|ensure CRDs are installed first/;

const definitionsOf = (args: KubeApplyArgs): Manifest[] => (args.definition === undefined ? [] : Array.isArray(args.definition) ? args.definition : [args.definition]);
const definitionYaml = (args: KubeApplyArgs): string => definitionsOf(args).map((manifest) => stringify(manifest)).join('---\n');

/** -f for every src (path on the target or URL) and "-" for the inline definitions (sent on stdin), then the cluster flags. */
function kubectlArgs(args: KubeApplyArgs): string[] {
  const sources = args.src === undefined ? [] : Array.isArray(args.src) ? args.src : [args.src];
  return [
    ...sources.flatMap((source) => ['-f', source]),
    ...(definitionsOf(args).length > 0 ? ['-f', '-'] : []),
    ...(args.namespace === undefined ? [] : ['--namespace', args.namespace]),
    ...(args.kubeconfig === undefined ? [] : ['--kubeconfig', args.kubeconfig]),
  ];
}

function failure(what: string, result: { rc: number; stdout: string; stderr: string }): ModuleFailure {
  return new ModuleFailure(`${what} failed: ${result.stderr.trim() || result.stdout.trim() || `exit code ${result.rc}`}`, { rc: result.rc, stdout: result.stdout, stderr: result.stderr });
}

function itemsOf(stdout: string): Manifest[] {
  if (stdout.trim() === '') return [];
  const parsed = JSON.parse(stdout) as Manifest & { items?: Manifest[] };
  return parsed.kind === 'List' ? (parsed.items ?? []) : [parsed];
}

const objectName = (manifest: Manifest): string => {
  const metadata = (manifest.metadata ?? {}) as Record<string, unknown>;
  return `${String(manifest.kind).toLowerCase()}/${String(metadata.name)}`;
};

export default defineModule<KubeApplyArgs, ClusterState>({
  name: 'kube_apply',
  examples: `
- name: Apply a namespace and a config map
  betif.platform.kube_apply:
    definition:
      - apiVersion: v1
        kind: Namespace
        metadata:
          name: apps
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: apps
        data:
          mode: production
`,
  returns: {
    stdout: { type: 'str', returned: 'changed', description: "kubectl's output." },
    deleted: { type: 'list', returned: 'state is absent', description: 'The objects that were deleted.' },
  },
  namespace: 'betif.platform',
  actionGroups: ['kubernetes.core.k8s'],
  schema: {
    description: 'Applies or deletes Kubernetes manifests with kubectl, changed only when kubectl diff finds a difference.',
    type: 'object',
    properties: {
      src: { type: ['string', 'array'], minLength: 1, items: { type: 'string', minLength: 1 }, description: 'Manifest files or URLs on the host (one or a list).' },
      definition: { type: ['object', 'array'], items: { type: 'object' }, description: 'Manifests given inline, as one object or a list.' },
      namespace: { type: 'string', minLength: 1, description: 'The namespace for objects that name none.' },
      kubeconfig: { type: 'string', minLength: 1, description: 'The kubeconfig file on the host that kubectl uses.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the objects are applied (present) or deleted (absent).' },
    },
    additionalProperties: false,
  },

  async read(ctx, args) {
    if (args.src === undefined && args.definition === undefined) throw new ArgumentError(["one of the following is required for module 'kube_apply': src, definition"]);
    const stdin = definitionYaml(args);
    if (args.state === 'absent') {
      const result = await ctx.connection.exec(['kubectl', 'get', ...kubectlArgs(args), '--ignore-not-found', '--output', 'json'], { stdin });
      if (result.rc !== 0) throw failure('kubectl get', result);
      return { state: 'absent', existing: itemsOf(result.stdout) };
    }
    const result = await ctx.connection.exec(['kubectl', 'diff', ...kubectlArgs(args)], { stdin });
    if (result.rc === 0) return { state: 'present', differences: false };
    if (result.rc === 1) return { state: 'present', differences: true, diff: objectDiffs(result.stdout) };
    if (NOT_THERE_YET.test(result.stderr)) return { state: 'present', differences: true, diff: [], note: `kubectl diff could not compare: ${result.stderr.trim()}` };
    throw failure('kubectl diff', result);
  },

  plan(args, cluster, ctx) {
    const stdin = definitionYaml(args);
    if (cluster.state === 'absent') {
      if (cluster.existing.length === 0) return { changed: false, result: { deleted: [] } };
      return {
        changed: true,
        diff: cluster.existing.map((manifest) => ({ before: stringify(manifest, { sortMapEntries: true }), after: '', beforeHeader: objectName(manifest) })),
        result: { deleted: cluster.existing.map(objectName) },
        apply: async (): Promise<ModuleResult> => {
          const result = await ctx.connection.exec(['kubectl', 'delete', ...kubectlArgs(args), '--ignore-not-found'], { stdin });
          if (result.rc !== 0) throw failure('kubectl delete', result);
          return { deleted: parseObjectOutcomes(result.stdout).deleted, stdout: result.stdout };
        },
      };
    }
    if (!cluster.differences) return { changed: false };
    return {
      changed: true,
      diff: cluster.diff,
      result: cluster.note === undefined ? {} : { msg: cluster.note },
      apply: async (): Promise<ModuleResult> => {
        const result = await ctx.connection.exec(['kubectl', 'apply', ...kubectlArgs(args)], { stdin });
        if (result.rc !== 0) throw failure('kubectl apply', result);
        const { created, configured, unchanged } = parseObjectOutcomes(result.stdout);
        return { changed: created.length + configured.length > 0, created, configured, unchanged, stdout: result.stdout };
      },
    };
  },
});

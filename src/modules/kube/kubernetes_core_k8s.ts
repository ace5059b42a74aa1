import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../../connection/types.js';
import { defineModule, ModuleFailure, type FileDiff, type ModuleResult } from '../contract.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import { completeDefinitions, definitionsFrom } from './lib/k8s-definitions.js';
import { Kubectl, pluralOf } from './lib/k8s-kubectl.js';
import { sortedKeys } from '../../python/sorted-keys.js';
import { annotated, applyPatch, compareObjects, type KubeObject } from './lib/k8s-object-diff.js';
import { ready } from './lib/k8s-ready.js';

interface WaitCondition {
  type?: string;
  status?: boolean | string;
  reason?: string;
}

interface K8sArgs {
  resource_definition?: string | KubeObject | unknown[];
  src?: string;
  state: 'present' | 'absent';
  namespace?: string;
  kind?: string;
  name?: string;
  api_version: string;
  apply: boolean;
  kubeconfig?: string;
  wait: boolean;
  wait_sleep: number;
  wait_timeout: number;
  wait_condition?: WaitCondition;
}

const ALIASES = { resource_definition: ['definition', 'inline'], api_version: ['api', 'version'], kubeconfig: ['kubeconfig_path'] };

const PROPERTIES: Record<string, object> = {
  resource_definition: { type: ['string', 'object', 'array'], description: 'The object(s) as a mapping, a list, or YAML text (several documents allowed).' },
  src: { type: 'string', minLength: 1, description: 'Path to a file on the target holding the object(s) as YAML.' },
  state: { enum: ['present', 'absent'], default: 'present', description: 'present creates the object(s) or patches them with the definition; absent deletes them.' },
  namespace: { type: 'string', minLength: 1, description: 'Namespace of objects that do not name one.' },
  kind: { type: 'string', minLength: 1, description: 'Kind of objects that do not name one; with name, the object to manage without a definition.' },
  name: { type: 'string', minLength: 1, description: 'Name of objects that do not name one.' },
  api_version: { type: 'string', minLength: 1, default: 'v1', description: 'API version of objects that do not name one.' },
  apply: { type: 'boolean', default: false, description: "Compare with the last applied configuration as kubectl apply does (keys left out of the definition are removed), instead of patching with the definition." },
  kubeconfig: { type: 'string', minLength: 1, description: 'Path to the kubeconfig file on the target.' },
  wait: { type: 'boolean', default: false, description: 'Wait until the object(s) are ready (Deployments, DaemonSets, StatefulSets, Pods; wait_condition for others) or, with state absent, gone.' },
  wait_sleep: { type: 'integer', default: 5, description: 'Seconds between checks while waiting.' },
  wait_timeout: { type: 'integer', default: 120, description: 'Seconds to wait before failing.' },
  wait_condition: {
    type: 'object',
    additionalProperties: false,
    properties: {
      type: { type: 'string', description: 'The status condition type to wait for (e.g. Available).' },
      status: { enum: [true, false, 'True', 'False', 'Unknown'], default: true, description: 'The status the condition must have.' },
      reason: { type: 'string', description: 'The reason the condition must have.' },
    },
    description: 'The status condition to wait for when wait is set.',
  },
};

type ObjectDiff = { before: KubeObject; after: KubeObject } | Record<string, never>;
type ObjectResult = ModuleResult & { method?: string; result: KubeObject | Record<string, never>; diff?: ObjectDiff };

interface K8sState {
  /** Outcome of every object, known in check mode (from dry runs); only the diffs otherwise. */
  outcomes: ObjectResult[];
  failure?: ModuleFailure;
}

const metadataOf = (definition: KubeObject): KubeObject => definition.metadata as KubeObject;

async function definitionsOf(connection: Connection, k8s: K8sArgs): Promise<KubeObject[]> {
  let definitions: KubeObject[] = [{}];
  if (k8s.resource_definition !== undefined && k8s.resource_definition !== '') definitions = definitionsFrom(k8s.resource_definition);
  else if (k8s.src !== undefined) {
    const read = await connection.exec(['cat', '--', k8s.src]);
    if (read.rc !== 0) throw new ModuleFailure(`Failed to load resource definition: [Errno 2] No such file or directory: '${k8s.src}'`);
    definitions = definitionsFrom(read.stdout);
  }
  return completeDefinitions(definitions, k8s);
}

/** The Status the API server answers a delete with. */
function deleted(definition: KubeObject, existing: KubeObject): KubeObject {
  const apiVersion = String(definition.apiVersion);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : undefined;
  const details = { name: metadataOf(definition).name, ...(group ? { group } : {}), kind: pluralOf(String(definition.kind)), uid: metadataOf(existing).uid };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

async function waitFor(kubectl: Kubectl, definition: KubeObject, k8s: K8sArgs): Promise<{ success: boolean; instance?: KubeObject; duration: number }> {
  const start = Date.now();
  for (let elapsed = 0; ; elapsed = Math.floor((Date.now() - start) / 1000)) {
    const instance = await kubectl.get(definition);
    const done = k8s.state === 'absent' ? instance === undefined : instance !== undefined && ready(instance, k8s.wait_condition);
    if (done || Date.now() - start >= k8s.wait_timeout * 1000) return { success: done, instance, duration: elapsed };
    await sleep(k8s.wait_sleep * 1000);
  }
}

/** kubernetes.core.k8s's handling of one object: look it up, then delete, create, patch or apply it. */
async function perform(kubectl: Kubectl, definition: KubeObject, k8s: K8sArgs, dryRun: boolean): Promise<ObjectResult> {
  // A namespaced object named without a namespace is looked up at no namespace (and not found), then refused, as
  // python3-kubernetes does; kubectl would take the kubeconfig's namespace instead.
  if (metadataOf(definition).namespace === undefined && (await kubectl.isNamespaced(definition))) {
    if (k8s.state === 'absent') return { changed: false, method: 'delete', result: {} };
    throw new ModuleFailure(`Failed to ${k8s.apply ? 'apply' : 'create'} object: Namespace is required for ${String(definition.apiVersion)}.${String(definition.kind)}`);
  }
  const existing = await kubectl.get(definition);
  let method: string;
  let instance: KubeObject | Record<string, never> = {};
  let changed = false;
  if (k8s.state === 'absent') {
    method = 'delete';
    if (existing !== undefined) {
      if (!dryRun) await kubectl.delete(definition);
      instance = deleted(definition, existing);
      changed = true;
    }
  } else if (k8s.apply) {
    method = 'apply';
    if (existing === undefined) instance = await kubectl.create(annotated(definition), dryRun).catch(rethrowAs('Failed to apply object'));
    else {
      const patch = applyPatch(existing, definition);
      instance = patch === undefined ? existing : await kubectl.patch(definition, patch, 'merge', dryRun, 'Failed to apply object');
    }
  } else if (existing === undefined) {
    method = 'create';
    instance = await kubectl.create(definition, dryRun);
    changed = true;
  } else {
    method = 'update';
    instance = await kubectl.patch(definition, definition, 'strategic', dryRun).catch(() => kubectl.patch(definition, definition, 'merge', dryRun));
  }
  const result: ObjectResult = { changed, method, result: instance };
  if (k8s.wait && !dryRun) {
    const waited = await waitFor(kubectl, k8s.state === 'absent' ? definition : (instance as KubeObject), k8s);
    result.duration = waited.duration;
    if (k8s.state !== 'absent' && waited.instance !== undefined) result.result = waited.instance;
    if (!waited.success) throw new ModuleFailure(`"${String(definition.kind)}" "${String(metadataOf(definition).name)}": Timed out waiting on resource`, { ...result });
  }
  if (method === 'update' || method === 'apply') {
    const comparison = compareObjects(existing ?? {}, result.result);
    result.changed = !comparison.match;
    if (comparison.idle) result.warnings = ['No meaningful diff was generated, but the API may not be idempotent (only metadata.generation or metadata.resourceVersion were changed)'];
    result.diff = comparison.diff ?? {};
  }
  return result;
}

function rethrowAs(what: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof ModuleFailure) throw new ModuleFailure(error.message.replace(/^Failed to create object/, what), error.result);
    throw error;
  };
}

async function performAll(kubectl: Kubectl, definitions: KubeObject[], k8s: K8sArgs, dryRun: boolean): Promise<K8sState> {
  const outcomes: ObjectResult[] = [];
  for (const definition of definitions) {
    try {
      outcomes.push(await perform(kubectl, definition, k8s, dryRun));
    } catch (error) {
      if (error instanceof ModuleFailure) return { outcomes, failure: error };
      throw error;
    }
  }
  return { outcomes };
}

/** Ansible's result: one object's own, or every object's under result.results. --diff shows the changed parts as JSON. */
function moduleResult(outcomes: ObjectResult[], showDiff: boolean): ModuleResult {
  const shown = outcomes.map(({ diff, ...outcome }) => (showDiff && diff !== undefined ? { ...outcome, diff } : outcome));
  if (shown.length === 1) return shown[0];
  return { changed: shown.some((outcome) => outcome.changed === true), result: { results: shown } };
}

const asJson = (value: KubeObject): string => `${JSON.stringify(sortedKeys(value), null, 4)}\n`;
const diffsOf = (outcomes: ObjectResult[]): FileDiff[] =>
  outcomes.flatMap(({ diff }) => (diff === undefined || !('before' in diff) ? [] : [{ before: asJson(diff.before), after: asJson(diff.after) }]));

export default defineModule<Record<string, unknown>, K8sState & { definitions: KubeObject[] }>({
  name: 'k8s',
  namespace: 'kubernetes.core',
  examples: `
- name: Create a namespace
  kubernetes.core.k8s:
    name: apps
    api_version: v1
    kind: Namespace
    state: present

- name: Apply a deployment from a file on the host
  kubernetes.core.k8s:
    src: /srv/manifests/app.yaml
    namespace: apps
    apply: true
`,
  returns: {
    method: { type: 'str', returned: 'success', description: 'What was done to the object: create, update, apply or delete.' },
    result: { type: 'dict', returned: 'success', description: "The object as the API server returned it (a delete's Status); result.results holds one result per object when there are several." },
    duration: { type: 'int', returned: 'when wait is true', description: 'Seconds spent waiting.' },
  },
  schema: {
    type: 'object',
    description: 'Manages Kubernetes objects as kubernetes.core.k8s does (create, patch, client-side apply, delete), with kubectl on the target.',
    properties: withAliases(PROPERTIES, ALIASES),
    additionalProperties: false,
  },

  async read(ctx, args) {
    const k8s = foldAliases<K8sArgs>(args, ALIASES, PROPERTIES);
    const definitions = await definitionsOf(ctx.connection, k8s);
    const kubectl = new Kubectl(ctx.connection, k8s.kubeconfig);
    // A check run sees what each write would do through the API server's dry run, as Ansible's does; a real run
    // looks ahead the same way only to show --diff, and then writes for real object by object.
    if (ctx.check || ctx.diff) return { definitions, ...(await performAll(kubectl, definitions, { ...k8s, wait: false }, true)) };
    return { definitions, outcomes: [] };
  },

  plan(args, state, ctx) {
    const k8s = foldAliases<K8sArgs>(args, ALIASES, PROPERTIES);
    if (ctx.check) {
      if (state.failure) throw state.failure;
      const result = moduleResult(state.outcomes, ctx.diff);
      return { changed: result.changed === true, result, diff: diffsOf(state.outcomes) };
    }
    return {
      changed: true,
      diff: state.failure ? [] : diffsOf(state.outcomes),
      apply: async (): Promise<ModuleResult> => {
        const done = await performAll(new Kubectl(ctx.connection, k8s.kubeconfig), state.definitions, k8s, false);
        if (done.failure) throw done.failure;
        return moduleResult(done.outcomes, ctx.diff);
      },
    };
  },
});

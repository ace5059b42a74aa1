import { parseAllDocuments } from 'yaml';
import { ModuleFailure } from '../contract.js';
import { adaptModule } from '../shared/adapt.js';
import { foldAliases, withAliases } from '../shared/arg-schema.js';
import kubeApply from './kube_apply.js';

type Manifest = Record<string, unknown>;

interface K8sArgs {
  resource_definition?: string | Manifest | Manifest[];
  src?: string;
  state: 'present' | 'absent';
  namespace?: string;
  kind?: string;
  name?: string;
  api_version: string;
  apply: boolean;
  kubeconfig?: string;
}

const ALIASES = { resource_definition: ['definition', 'inline'], api_version: ['api', 'version'] };

const PROPERTIES: Record<string, object> = {
  resource_definition: { type: ['string', 'object', 'array'], items: { type: 'object' }, description: 'The object(s) as a mapping, a list, or YAML text (several documents allowed).' },
  src: { type: 'string', minLength: 1, description: 'Path to a file on the target holding the object(s) as YAML.' },
  state: { enum: ['present', 'absent'], default: 'present', description: 'present creates or updates the object(s); absent deletes them.' },
  namespace: { type: 'string', minLength: 1, description: 'Namespace of objects that do not name one.' },
  kind: { type: 'string', minLength: 1, description: 'Kind of the object, with name: the object to delete when no definition is given.' },
  name: { type: 'string', minLength: 1, description: 'Name of the object, with kind.' },
  api_version: { type: 'string', minLength: 1, default: 'v1', description: 'API version of the object named by kind and name.' },
  apply: { type: 'boolean', default: false, description: 'Accepted: betif-play always compares with kubectl diff and applies with kubectl apply.' },
  kubeconfig: { type: 'string', minLength: 1, description: 'Path to the kubeconfig file on the target.' },
};

/** The definition as manifests: YAML text may hold several documents, and empty documents are dropped. */
function manifestsOf(definition: K8sArgs['resource_definition']): Manifest[] | undefined {
  if (definition === undefined) return undefined;
  if (typeof definition !== 'string') return Array.isArray(definition) ? definition : [definition];
  return parseAllDocuments(definition)
    .map((document) => document.toJS() as unknown)
    .filter((manifest): manifest is Manifest => manifest !== null && typeof manifest === 'object');
}

function definitionOf(k8s: K8sArgs): Manifest[] | undefined {
  const manifests = manifestsOf(k8s.resource_definition);
  if (manifests !== undefined || k8s.src !== undefined) return manifests;
  if (k8s.kind === undefined || k8s.name === undefined) {
    throw new ModuleFailure('one of resource_definition, src, or kind and name is required');
  }
  const metadata = { name: k8s.name, ...(k8s.namespace === undefined ? {} : { namespace: k8s.namespace }) };
  return [{ apiVersion: k8s.api_version, kind: k8s.kind, metadata }];
}

export default adaptModule(kubeApply, {
  name: 'k8s',
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
`,
  returns: {
    stdout: { type: 'str', returned: 'changed', description: "kubectl's output." },
    deleted: { type: 'list', returned: 'state is absent', description: 'The objects that were deleted.' },
  },
  namespace: 'kubernetes.core',
  schema: {
    type: 'object',
    description: 'Manages Kubernetes objects (kubernetes.core.k8s, run by betif-play natively with kubectl diff and apply).',
    properties: withAliases(PROPERTIES, ALIASES),
    additionalProperties: false,
  },
  toBase(args: Record<string, unknown>) {
    const k8s = foldAliases<K8sArgs>(args, ALIASES, PROPERTIES);
    return { definition: definitionOf(k8s), src: k8s.src, namespace: k8s.namespace, kubeconfig: k8s.kubeconfig, state: k8s.state };
  },
  toResult: (result) => result,
});

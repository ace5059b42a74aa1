import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './k8s-object-diff.js';

/** The parameters kubernetes.core.k8s fills into each definition where the definition leaves them out. */
export interface DefinitionDefaults {
  kind?: string;
  api_version: string;
  namespace?: string;
  name?: string;
}

const isMap = (value: unknown): value is KubeObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** YAML text (several documents allowed) or parsed values as a list of objects; empty documents are dropped. */
export function definitionsFrom(source: unknown): KubeObject[] {
  const documents = (text: string): unknown[] => parseAllDocuments(text).map((document) => document.toJS() as unknown);
  const values = typeof source === 'string' ? documents(source) : Array.isArray(source) ? source.flatMap((item) => (typeof item === 'string' ? documents(item) : [item])) : [source];
  return values.filter((value): value is KubeObject => isMap(value) && Object.keys(value).length > 0).map((value) => structuredClone(value));
}

function withDefaults(definition: KubeObject, defaults: DefinitionDefaults): KubeObject {
  if (definition.kind === undefined) definition.kind = defaults.kind ?? null;
  if (definition.apiVersion === undefined) definition.apiVersion = defaults.api_version;
  const metadata = (isMap(definition.metadata) ? definition.metadata : (definition.metadata = {})) as KubeObject;
  if (defaults.namespace && metadata.namespace === undefined) metadata.namespace = defaults.namespace;
  if (defaults.name && metadata.name === undefined) metadata.name = defaults.name;
  return definition;
}

/** Each object to manage: the definitions with the task's kind, api_version, namespace and name filled in, Lists flattened. */
export function completeDefinitions(definitions: KubeObject[], defaults: DefinitionDefaults): KubeObject[] {
  return definitions.flatMap((definition) => {
    withDefaults(definition, defaults);
    const kind = definition.kind;
    if (typeof kind !== 'string' || !kind.endsWith('List')) return [definition];
    const items = Array.isArray(definition.items) ? (definition.items as KubeObject[]) : [];
    return items.map((item) => withDefaults({ kind: kind.slice(0, -4), apiVersion: definition.apiVersion, ...item }, defaults));
  });
}

import type { Connection } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';
import type { KubeObject } from './k8s-object-diff.js';

/** HTTP reason phrases of the API server's Status reasons, as python3-kubernetes reports them. */
const REASONS: Record<string, [number, string]> = {
  NotFound: [404, 'Not Found'],
  AlreadyExists: [409, 'Conflict'],
  Conflict: [409, 'Conflict'],
  Invalid: [422, 'Unprocessable Entity'],
  BadRequest: [400, 'Bad Request'],
  Forbidden: [403, 'Forbidden'],
  MethodNotAllowed: [405, 'Method Not Allowed'],
  UnsupportedMediaType: [415, 'Unsupported Media Type'],
};

/** Python's repr() of bytes holding this text, as kubernetes.core prints an API error's body. */
function bytesRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `b${quote}${out}${quote}`;
}

/**
 * The failure kubernetes.core.k8s reports for what the API server refused (`Failed to create object: b'{Status}'`,
 * with the HTTP reason), rebuilt from kubectl's `Error from server (Reason): ...` line.
 */
export function apiFailure(what: string, stderr: string): ModuleFailure {
  const line = stderr.trim().split('\n')[0] ?? '';
  const match = /^Error from server \((\w+)\): (?:error when \w+ "[^"]*": )?(.*)$/.exec(line);
  if (!match) return new ModuleFailure(`${what}: ${stderr.trim()}`);
  const [, reason, message] = match;
  const [code, phrase] = REASONS[reason] ?? [500, 'Internal Server Error'];
  const named = /^([a-z0-9-]+)(?:\.([a-z0-9.-]+))? "([^"]+)" (?:not found|already exists)$/.exec(message);
  const details = named ? { name: named[3], ...(named[2] ? { group: named[2] } : {}), kind: named[1] } : undefined;
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
  return new ModuleFailure(`${what}: ${bytesRepr(`${JSON.stringify(status)}\n`)}`, { reason: phrase });
}

/** kubectl's resource word for an object's kind: `configmap`, `deployment.v1.apps`. */
export function resourceWord(definition: KubeObject): string {
  const apiVersion = String(definition.apiVersion);
  const kind = String(definition.kind).toLowerCase();
  return apiVersion.includes('/') ? `${kind}.${apiVersion.split('/')[1]}.${apiVersion.split('/')[0]}` : kind;
}

export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Runs kubectl on the target against one cluster (the task's kubeconfig) and reads JSON answers. */
export class Kubectl {
  constructor(
    private readonly connection: Connection,
    private readonly kubeconfig: string | undefined,
  ) {}

  async run(args: string[], stdin = ''): Promise<{ rc: number; stdout: string; stderr: string }> {
    return this.connection.exec(['kubectl', ...args, ...(this.kubeconfig === undefined ? [] : ['--kubeconfig', this.kubeconfig])], { stdin });
  }

  private namespacedKinds?: Promise<Set<string>>;

  /** Whether objects of the definition's kind live in namespaces (`kubectl api-resources`, asked once). */
  async isNamespaced(definition: KubeObject): Promise<boolean> {
    this.namespacedKinds ??= this.run(['api-resources', '--namespaced=true', '--no-headers']).then((result) => {
      if (result.rc !== 0) throw new ModuleFailure(`Failed to find the cluster's resources: ${result.stderr.trim()}`);
      // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND: counted from the end, as the short names may be missing.
      return new Set(result.stdout.split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/)).map((cells) => `${cells.at(-3)} ${cells.at(-1)}`));
    });
    return (await this.namespacedKinds).has(`${String(definition.apiVersion)} ${String(definition.kind)}`);
  }

  private static namespaceArgs(definition: KubeObject): string[] {
    const namespace = (definition.metadata as KubeObject).namespace;
    return typeof namespace === 'string' ? ['--namespace', namespace] : [];
  }

  /** The live object, or undefined; a kind the cluster does not serve fails as kubernetes.core's lookup does. */
  async get(definition: KubeObject): Promise<KubeObject | undefined> {
    const name = String((definition.metadata as KubeObject).name);
    const result = await this.run(['get', resourceWord(definition), name, ...Kubectl.namespaceArgs(definition), '--ignore-not-found', '--output', 'json']);
    if (/doesn't have a resource type/.test(result.stderr)) {
      throw new ModuleFailure(`Failed to find exact match for ${String(definition.apiVersion)}.${String(definition.kind)} by [kind, name, singularName, shortNames]`);
    }
    if (result.rc !== 0) throw new ModuleFailure(`Failed to retrieve requested object: ${result.stderr.trim()}`);
    return result.stdout.trim() === '' ? undefined : (JSON.parse(result.stdout) as KubeObject);
  }

  async create(definition: KubeObject, dryRun: boolean): Promise<KubeObject> {
    const result = await this.run(['create', '--filename', '-', '--output', 'json', ...(dryRun ? ['--dry-run=server'] : [])], JSON.stringify(definition));
    if (result.rc !== 0) throw apiFailure('Failed to create object', result.stderr);
    return JSON.parse(result.stdout) as KubeObject;
  }

  async patch(definition: KubeObject, patch: KubeObject, type: 'strategic' | 'merge', dryRun: boolean, what = 'Failed to patch object'): Promise<KubeObject> {
    const name = String((definition.metadata as KubeObject).name);
    const args = ['patch', resourceWord(definition), name, ...Kubectl.namespaceArgs(definition), '--type', type, '--patch-file', '/dev/stdin', '--output', 'json'];
    const result = await this.run([...args, ...(dryRun ? ['--dry-run=server'] : [])], JSON.stringify(patch));
    if (result.rc !== 0) throw apiFailure(what, result.stderr);
    return JSON.parse(result.stdout) as KubeObject;
  }

  async delete(definition: KubeObject): Promise<void> {
    const result = await this.run(['delete', '--filename', '-', '--ignore-not-found'], JSON.stringify(definition));
    if (result.rc !== 0) throw apiFailure('Failed to delete object', result.stderr);
  }
}

import type { ExecResult } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

/** Where a helm command acts: the release's namespace and the cluster's kubeconfig (helm's default when unset). */
export interface HelmTarget {
  namespace?: string;
  kubeconfig?: string;
}

export function clusterFlags(target: HelmTarget): string[] {
  return [...(target.namespace === undefined ? [] : ['--namespace', target.namespace]), ...(target.kubeconfig === undefined ? [] : ['--kubeconfig', target.kubeconfig])];
}

/** helm's own message ("Error: ..."), or the exit code when it printed nothing. */
export function helmError(result: ExecResult): string {
  return result.stderr.trim().replace(/^Error: /, '') || result.stdout.trim() || `exit code ${result.rc}`;
}

export function requireSuccess(result: ExecResult, what: string): ExecResult {
  if (result.rc !== 0) throw new ModuleFailure(`${what} failed: ${helmError(result)}`, { rc: result.rc, stdout: result.stdout, stderr: result.stderr });
  return result;
}

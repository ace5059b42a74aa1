import type { ExecResult } from '../../../connection/types.js';
import { ModuleFailure } from '../../contract.js';

/** kubernetes.core's helm auth options (helm_args_common), given to every helm command as helm's own flags. */
export interface HelmAuthArgs {
  binary_path?: string;
  context?: string;
  kubeconfig?: string;
  host?: string;
  ca_cert?: string;
  validate_certs: boolean;
}

export const AUTH_ALIASES = { context: ['kube_context'], kubeconfig: ['kubeconfig_path'], ca_cert: ['ssl_ca_cert'], validate_certs: ['verify_ssl'] };

export const AUTH_PROPERTIES: Record<string, object> = {
  binary_path: { type: 'string', minLength: 1, description: 'The path of a helm binary to use.' },
  context: { type: 'string', minLength: 1, description: 'Helm option to specify which kubeconfig context to use.' },
  kubeconfig: { type: 'string', minLength: 1, description: 'Helm option to specify the kubeconfig path to use (a file on the target).' },
  host: { type: 'string', minLength: 1, description: 'Provide a URL for accessing the API (helm --kube-apiserver).' },
  ca_cert: { type: 'string', minLength: 1, description: 'Path to a CA certificate used to authenticate with the API.' },
  validate_certs: { type: 'boolean', default: true, description: "Whether or not to verify the API server's SSL certificates." },
};

/** The flags that tell helm which cluster to talk to, as kubernetes.core's HELM_* environment does. */
export function authFlags(auth: HelmAuthArgs): string[] {
  return [
    ...(auth.context === undefined ? [] : ['--kube-context', auth.context]),
    ...(auth.kubeconfig === undefined ? [] : ['--kubeconfig', auth.kubeconfig]),
    ...(auth.host === undefined ? [] : ['--kube-apiserver', auth.host]),
    ...(auth.ca_cert === undefined ? [] : ['--kube-ca-file', auth.ca_cert]),
    ...(auth.validate_certs ? [] : ['--kube-insecure-skip-tls-verify']),
  ];
}

/** Prints the helm binary the module runs: binary_path, else helm on PATH (Ansible's get_bin_path adds the sbin folders). */
export function locateHelmArgv(auth: HelmAuthArgs): string[] {
  const script = 'if [ -n "$1" ]; then printf "%s\\n" "$1"; else PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin" command -v helm; fi';
  return ['/bin/sh', '-c', script, 'sh', auth.binary_path ?? ''];
}

export function helmBinary(located: ExecResult): string {
  const binary = located.stdout.trim();
  if (located.rc !== 0 || binary === '') throw new ModuleFailure('Failed to find required executable "helm" in paths: /sbin:/usr/sbin:/usr/local/sbin and the PATH');
  return binary;
}

/** kubernetes.core's run_helm_command failure: the exit code and both outputs in msg. */
export function requireHelm(result: ExecResult, command: string): ExecResult {
  if (result.rc === 0) return result;
  throw new ModuleFailure(`Failure when executing Helm command. Exited ${result.rc}.\nstdout: ${result.stdout}\nstderr: ${result.stderr}`, {
    stdout: result.stdout,
    stderr: result.stderr,
    command,
  });
}

/** argv as kubernetes.core writes its command text (for the `command` it returns). */
export const commandText = (argv: readonly string[]): string => argv.join(' ');

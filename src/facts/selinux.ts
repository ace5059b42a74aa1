import { firstLine, type FactInputs } from './script.js';

/**
 * Ansible's selinux fact, from what the kernel and /etc/selinux/config show (Ansible asks the
 * Python selinux library for the same values): `{status: disabled}` when SELinux is not active.
 */
export function selinuxFacts(inputs: FactInputs): Record<string, unknown> {
  const enforce = firstLine(inputs, '/sys/fs/selinux/enforce');
  if (enforce === undefined) return { status: 'disabled' };
  const config: Record<string, string> = {};
  for (const line of inputs.files.get('/etc/selinux/config') ?? []) {
    const match = /^\s*(SELINUX|SELINUXTYPE)\s*=\s*(\S+)/.exec(line);
    if (match) config[match[1]] = match[2];
  }
  const policyvers = Number(firstLine(inputs, '/sys/fs/selinux/policyvers'));
  return {
    status: 'enabled',
    policyvers: Number.isNaN(policyvers) ? 'unknown' : policyvers,
    config_mode: config.SELINUX ?? 'unknown',
    mode: enforce === '1' ? 'enforcing' : 'permissive',
    type: config.SELINUXTYPE ?? 'unknown',
  };
}

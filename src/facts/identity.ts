import { firstLine, type FactInputs } from './script.js';

/** The fqdn from /etc/hosts, as getfqdn() finds it there: the first dotted name on the host's line. */
function fqdnFromHosts(hostsLines: string[], nodename: string): string | undefined {
  for (const line of hostsLines) {
    const names = line.replace(/#.*/, '').trim().split(/\s+/).slice(1);
    if (names.includes(nodename)) return names.find((name) => name.includes('.'));
  }
  return undefined;
}

/** hostname, nodename, fqdn, domain, system, kernel, kernel_version, machine, architecture, machine_id. */
export function identityFacts(inputs: FactInputs): Record<string, unknown> {
  const nodename = firstLine(inputs, '/proc/sys/kernel/hostname') ?? '';
  const fqdn = fqdnFromHosts(inputs.files.get('/etc/hosts') ?? [], nodename) ?? nodename;
  const machine = firstLine(inputs, '/proc/sys/kernel/arch') ?? inputs.sections.get('machine')?.[0]?.trim() ?? '';
  const facts: Record<string, unknown> = {
    hostname: nodename.split('.')[0],
    nodename,
    fqdn,
    domain: fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : '',
    system: firstLine(inputs, '/proc/sys/kernel/ostype') ?? 'Linux',
    kernel: firstLine(inputs, '/proc/sys/kernel/osrelease') ?? '',
    kernel_version: firstLine(inputs, '/proc/sys/kernel/version') ?? '',
    machine,
    architecture: /^i[3-6]86$/.test(machine) ? 'i386' : machine,
  };
  const machineId = firstLine(inputs, '/etc/machine-id');
  if (machineId) facts.machine_id = machineId;
  return facts;
}

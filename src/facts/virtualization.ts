import { cpuinfoLines, environEntries, firstLine, type FactInputs } from './script.js';

interface Finding {
  type: string;
  role: 'guest' | 'host';
  tech: string;
}

const GUEST_PRODUCT_NAMES: Record<string, string> = {
  KVM: 'kvm', 'KVM Server': 'kvm', Bochs: 'kvm', AHV: 'kvm', 'VMware Virtual Platform': 'VMware', 'VMware7,1': 'VMware',
  'OpenStack Compute': 'openstack', 'OpenStack Nova': 'openstack', 'RHEV Hypervisor': 'RHEV',
};
const GUEST_SYS_VENDORS: Record<string, string> = {
  oVirt: 'oVirt', QEMU: 'kvm', 'Amazon EC2': 'kvm', DigitalOcean: 'kvm', Google: 'kvm', Scaleway: 'kvm', Nutanix: 'kvm',
  KubeVirt: 'KubeVirt', 'Microsoft Corporation': 'VirtualPC', 'Parallels Software International Inc.': 'parallels', 'OpenStack Foundation': 'openstack',
};
const GUEST_BIOS_VENDORS: Record<string, string> = { Xen: 'xen', 'innotek GmbH': 'virtualbox', 'Amazon EC2': 'kvm', DigitalOcean: 'kvm', Hetzner: 'kvm' };

/** Everything Ansible's LinuxVirtual would detect, strongest evidence first. */
function findings(inputs: FactInputs): Finding[] {
  const exists = new Set(inputs.sections.get('exists') ?? []);
  const modules = new Set(inputs.sections.get('modules') ?? []);
  const guest = (type: string, tech = type): Finding => ({ type, role: 'guest', tech });
  const host = (type: string): Finding => ({ type, role: 'host', tech: type });
  const found: Finding[] = [];

  for (const line of inputs.files.get('/proc/1/cgroup') ?? []) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) found.push(guest('docker'));
    if (/\/lxc\/|\/machine\.slice\/machine-lxc/.test(line)) found.push(guest('lxc'));
    if (line.includes('/system.slice/containerd.service')) found.push(guest('containerd'));
  }
  for (const variable of environEntries(inputs, '/proc/1/environ')) {
    if (variable === 'container=lxc') found.push(guest('lxc'));
    else if (variable === 'container=podman') found.push(guest('podman'));
    else if (/^container=./.test(variable)) found.push(guest('container'));
  }
  if (exists.has('/proc/vz') && !exists.has('/proc/lve')) found.push(exists.has('/proc/bc') ? host('openvz') : guest('openvz'));
  const systemdContainer = firstLine(inputs, '/run/systemd/container');
  if (systemdContainer) found.push(guest(systemdContainer));
  if (exists.has('/.dockerenv') || exists.has('/.dockerinit')) found.push(guest('docker'));
  if (exists.has('/proc/xen')) {
    const controlDomain = (inputs.files.get('/proc/xen/capabilities') ?? []).some((line) => line.includes('control_d'));
    found.push(controlDomain ? host('xen') : guest('xen'));
  }

  const productName = firstLine(inputs, '/sys/devices/virtual/dmi/id/product_name') ?? '';
  const sysVendor = firstLine(inputs, '/sys/devices/virtual/dmi/id/sys_vendor') ?? '';
  const biosVendor = firstLine(inputs, '/sys/devices/virtual/dmi/id/bios_vendor') ?? '';
  const productFamily = firstLine(inputs, '/sys/devices/virtual/dmi/id/product_family') ?? '';
  if (GUEST_PRODUCT_NAMES[productName]) found.push(guest(GUEST_PRODUCT_NAMES[productName]));
  if (sysVendor === 'Red Hat' && productFamily === 'RHV') found.push(guest('RHV'));
  if (GUEST_SYS_VENDORS[sysVendor]) found.push(guest(GUEST_SYS_VENDORS[sysVendor]));
  if (GUEST_BIOS_VENDORS[biosVendor]) found.push(guest(GUEST_BIOS_VENDORS[biosVendor]));
  if (cpuinfoLines(inputs).some((line) => /^model name.*QEMU Virtual CPU/.test(line))) found.push(guest('kvm'));

  if (modules.has('kvm')) found.push(host('kvm'));
  if (modules.has('vboxdrv')) found.push(host('virtualbox'));
  if (modules.has('virtio')) found.push({ type: 'kvm', role: 'guest', tech: 'kvm' });
  if (exists.has('/dev/kvm')) found.push(host('kvm'));
  return found;
}

const CONTAINER_TECH = new Set(['docker', 'lxc', 'podman', 'openvz', 'containerd']);

/** virtualization_type/role (the first finding, 'NA' when none) and virtualization_tech_guest/host. */
export function virtualizationFacts(inputs: FactInputs): Record<string, unknown> {
  const all = findings(inputs);
  const guestTech = new Set(all.filter((finding) => finding.role === 'guest').map((finding) => finding.tech));
  const hostTech = new Set(all.filter((finding) => finding.role === 'host').map((finding) => finding.tech));
  if ([...guestTech].some((tech) => CONTAINER_TECH.has(tech)) || firstLine(inputs, '/run/systemd/container')) guestTech.add('container');
  const first = all[0];
  return {
    virtualization_type: first?.type ?? 'NA',
    virtualization_role: first?.role ?? 'NA',
    virtualization_tech_guest: [...guestTech],
    virtualization_tech_host: [...hostTech],
  };
}

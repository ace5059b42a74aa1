import { cpuinfoLines, type FactInputs } from './script.js';

const LISTED_KEYS = new Set(['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor']);

/** processor (Ansible's flat list), processor_count/cores/threads_per_core/vcpus, cpu_vendor — as Ansible reads /proc/cpuinfo. */
export function cpuFacts(inputs: FactInputs, architecture: string): Record<string, unknown> {
  const processor: string[] = [];
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let entries = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physicalId = '0';
  let coreId = '0';
  let cpuVendor: string | null = null;

  for (const line of cpuinfoLines(inputs)) {
    const colon = line.indexOf(':');
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (LISTED_KEYS.has(key)) {
      processor.push(value);
      if (key === 'vendor_id') {
        vendorIds += 1;
        cpuVendor ??= value;
      }
      if (key === 'model name') modelNames += 1;
      if (key === 'processor') processors += 1;
      entries += 1;
    } else if (key === 'physical id') {
      physicalId = value;
      if (!sockets.has(physicalId)) sockets.set(physicalId, 1);
    } else if (key === 'core id') {
      coreId = value;
      if (!sockets.has(coreId)) cores.set(coreId, 1);
    } else if (key === 'cpu cores') {
      sockets.set(physicalId, Number(value));
    } else if (key === 'siblings') {
      cores.set(coreId, Number(value));
    } else if (key === 'ncpus active') {
      entries = Number(value);
    }
  }
  if (vendorIds > 0 && vendorIds === modelNames) entries = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) entries = processors;

  const count = sockets.size > 0 ? sockets.size : entries;
  const perSocket = [...sockets.values()][0] || 1;
  const siblings = [...cores.values()][0];
  const threadsPerCore = Math.max(1, Math.floor((siblings ?? 1) / perSocket));
  return {
    processor,
    processor_count: count,
    processor_cores: perSocket,
    processor_threads_per_core: threadsPerCore,
    processor_vcpus: threadsPerCore * count * perSocket,
    cpu_vendor: cpuVendor,
  };
}

import type { FactInputs } from './script.js';

export interface PciGpu {
  /** PCI address, e.g. "0000:01:00.0". */
  address: string;
  /** e.g. "10de" (NVIDIA), "1002" (AMD), "8086" (Intel). */
  vendor_id: string;
  device_id: string;
  /** e.g. "0x030000". */
  class: string;
  /** The bound kernel driver (nvidia, amdgpu, vfio-pci ...), null when none is bound. */
  driver: string | null;
  iommu_group: number | null;
}

const stripHex = (value: string) => value.replace(/^0x/, '');

/** iommu {enabled, groups} from /sys/kernel/iommu_groups, and the display controllers (PCI class 0x03) on the host. */
export function gpuFacts(inputs: FactInputs): { iommu: { enabled: boolean; groups: number }; pci_gpus: PciGpu[] } {
  const groups = Number(inputs.sections.get('iommu_groups')?.[0] ?? 0);
  const gpus = (inputs.sections.get('pci_gpus') ?? []).map((line): PciGpu => {
    const [address, pciClass, vendor, device, driver, group] = line.split('|');
    return {
      address,
      vendor_id: stripHex(vendor),
      device_id: stripHex(device),
      class: pciClass,
      driver: driver || null,
      iommu_group: group ? Number(group) : null,
    };
  });
  return { iommu: { enabled: groups > 0, groups }, pci_gpus: gpus };
}

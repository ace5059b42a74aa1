import type { FactInputs } from './script.js';

interface HostPython {
  python: Record<string, unknown>;
  version: string;
}

function hostPython(inputs: FactInputs): HostPython | undefined {
  const line = inputs.sections.get('python')?.find((entry) => entry.includes('\t'));
  if (!line) return undefined;
  const [executable, major, minor, micro, releaselevel, serial, kind, ssl, version] = line.split('\t');
  const versionInfo = [Number(major), Number(minor), Number(micro), releaselevel, Number(serial)];
  return {
    python: {
      executable,
      has_sslcontext: ssl === '1',
      type: kind || null,
      version: { major: versionInfo[0], minor: versionInfo[1], micro: versionInfo[2], releaselevel, serial: versionInfo[4] },
      version_info: versionInfo,
    },
    version,
  };
}

/** Ansible's python collector: ansible_python (executable, version, version_info, type, has_sslcontext). */
export function pythonFacts(inputs: FactInputs): Record<string, unknown> {
  const found = hostPython(inputs);
  return found ? { python: found.python } : {};
}

/** The platform collector's python_version (platform.python_version() of the module's interpreter). */
export function pythonVersionFact(inputs: FactInputs): Record<string, unknown> {
  const found = hostPython(inputs);
  return found ? { python_version: found.version } : {};
}

import { firstLine, type FactInputs } from './script.js';

/** memtotal_mb, memfree_mb, swaptotal_mb, swapfree_mb, uptime_seconds. */
export function memoryFacts(inputs: FactInputs): Record<string, number> {
  const kib = new Map<string, number>();
  for (const line of inputs.files.get('/proc/meminfo') ?? []) {
    const match = /^(\w+):\s+(\d+)/.exec(line);
    if (match) kib.set(match[1], Number(match[2]));
  }
  const mib = (key: string) => Math.floor((kib.get(key) ?? 0) / 1024);
  return {
    memtotal_mb: mib('MemTotal'),
    memfree_mb: mib('MemFree'),
    swaptotal_mb: mib('SwapTotal'),
    swapfree_mb: mib('SwapFree'),
    uptime_seconds: Math.floor(Number(firstLine(inputs, '/proc/uptime')?.split(/\s+/)[0] ?? 0)),
  };
}

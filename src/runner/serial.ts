import { RunError } from './run-error.js';

/** Splits a play's hosts into batches by `serial` (a number, "30%", or a list of those; the last size repeats). */
export function serialBatches<T>(hosts: readonly T[], serial: unknown): T[][] {
  if (serial === undefined || serial === null || hosts.length === 0) return [hosts.slice()];
  const sizes = (Array.isArray(serial) ? serial : [serial]).map((value) => {
    const text = String(value).trim();
    if (text.endsWith('%')) return Math.max(1, Math.floor((hosts.length * Number(text.slice(0, -1))) / 100));
    const size = Number(text);
    if (!Number.isFinite(size)) throw new RunError(`serial: '${text}' is not a number or a percentage`);
    return size <= 0 ? hosts.length : size;
  });
  const batches: T[][] = [];
  let start = 0;
  for (let index = 0; start < hosts.length; index += 1) {
    const size = sizes[Math.min(index, sizes.length - 1)];
    batches.push(hosts.slice(start, start + size));
    start += size;
  }
  return batches;
}

/** Ansible's reading of a sysctl.conf: `key = value` lines; blank, # and ; lines and lines without = are kept as they are. */
export function sysctlFileValues(content: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return values;
}

/**
 * The file as Ansible rewrites it: every line stripped, each key once (its first line, as `key=value`),
 * the managed key set to its value (or dropped for absent), appended when it was not there.
 */
export function rewrittenSysctlFile(content: string, name: string, value: string | undefined): string {
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) {
      out.push(line);
      continue;
    }
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (seen.has(key)) continue;
    seen.add(key);
    if (key !== name) out.push(`${key}=${line.slice(at + 1).trim()}`);
    else if (value !== undefined) out.push(`${key}=${value}`);
  }
  if (!seen.has(name) && value !== undefined) out.push(`${name}=${value}`);
  return out.map((line) => `${line}\n`).join('');
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Ansible's value: booleans (and their words) as 1/0, text stripped. */
export function sysctlValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = String(value);
  if (TRUE_WORDS.has(text.toLowerCase())) return '1';
  if (FALSE_WORDS.has(text.toLowerCase())) return '0';
  return text.trim();
}

/** Equal when the whitespace-separated words are (the kernel prints ranges with tabs). */
export function sameSysctlValue(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  return words(a).join(' ') === words(b).join(' ');
}

import { stringify } from 'yaml';

/**
 * A result as the yaml stdout callback (community.general.yaml) prints it: `changed=true ` on the host line, then
 * the other keys as block YAML indented by two, the *_lines twins of printed text left out.
 */
export function dumpYamlResult(result: Record<string, unknown>): string {
  const { changed, ...rest } = result;
  for (const key of Object.keys(rest)) {
    if (key.endsWith('_lines') && key.slice(0, -'_lines'.length) in rest) rest[key] = '<omitted>';
  }
  const head = changed === undefined ? '' : `changed=${String(changed)} `;
  if (Object.keys(rest).length === 0) return head;
  const sorted = Object.fromEntries(Object.keys(rest).sort().map((key) => [key, rest[key]]));
  const body = stringify(sorted, { version: '1.1', indentSeq: false, lineWidth: 0, sortMapEntries: true, singleQuote: true }).trimEnd();
  return `${head}\n${body.split('\n').map((line) => `  ${line}`).join('\n')}`;
}

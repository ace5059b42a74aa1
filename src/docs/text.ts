import { stringify } from 'yaml';
import type { ModuleDoc, OptionDoc } from './module-doc.js';

const INDENT = '        ';
const WIDTH = 78;

/** Words wrapped to the page width under an eight-space indent, as ansible-doc prints descriptions. */
function wrapped(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && INDENT.length + line.length + 1 + word.length > WIDTH) {
      lines.push(INDENT + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(INDENT + line);
  return lines;
}

const inline = (value: unknown): string => stringify(value, null, { collectionStyle: 'flow' }).trim();

function optionText(option: OptionDoc): string[] {
  const lines = [`${option.required ? '=' : '-'} ${option.name}`, ...wrapped(option.description ?? '(no description)')];
  if (option.choices) lines.push(`${INDENT}choices: ${inline(option.choices)}`);
  if (option.aliases.length > 0) lines.push(`${INDENT}aliases: ${inline(option.aliases)}`);
  if (option.default !== undefined) lines.push(`${INDENT}default: ${inline(option.default)}`);
  if (option.elements) lines.push(`${INDENT}elements: ${option.elements}`);
  if (option.type) lines.push(`${INDENT}type: ${option.type}`);
  return [...lines, ''];
}

/** One module's documentation laid out as `ansible-doc MODULE` does. */
export function moduleText(doc: ModuleDoc): string {
  const lines = [`> ${doc.fqcn.toUpperCase()}    (betif-play native module)`, '', ...wrapped(doc.summary ?? '(no summary)'), ''];
  lines.push(`${INDENT}names: ${doc.names.join(', ')}`, '', 'OPTIONS (= is mandatory):', '');
  for (const option of doc.options) lines.push(...optionText(option));
  if (doc.examples) lines.push('EXAMPLES:', '', doc.examples, '');
  const returns = Object.entries(doc.returns);
  if (returns.length > 0) {
    lines.push('RETURN VALUES:', '');
    for (const [key, value] of returns) {
      lines.push(`- ${key}`, ...wrapped(value.description));
      if (value.returned) lines.push(`${INDENT}returned: ${value.returned}`);
      if (value.sample !== undefined) lines.push(`${INDENT}sample: ${inline(value.sample)}`);
      lines.push(`${INDENT}type: ${value.type}`, '');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `doc --list`: every module with its summary, then the other names it answers to. */
export function listText(docs: ModuleDoc[]): string {
  const width = Math.max(...docs.map((doc) => doc.fqcn.length)) + 2;
  return docs.map((doc) => {
    const others = doc.names.filter((name) => name !== doc.fqcn);
    const also = others.length > 0 ? ` (also: ${others.join(', ')})` : '';
    return `${doc.fqcn.padEnd(width)}${doc.summary ?? ''}${also}\n`;
  }).join('');
}

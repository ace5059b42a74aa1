import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { pyyamlTags } from '../yaml/pyyaml.js';
import { InventoryError } from './errors.js';

/** A parsed YAML file: mappings are Maps (keys keep their YAML types and order), plus line lookup for messages. */
export interface LoadedYaml {
  data: unknown;
  /** The line of the entry reached by following these keys from the top (or of the deepest one that exists). */
  lineOf(path: readonly unknown[]): number;
}

/** Parses YAML the way Ansible does (YAML 1.1 as PyYAML reads it: `yes` is true, 0644 is octal, dates stay text). */
export function loadYaml(text: string, file: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, customTags: pyyamlTags, lineCounter });
  const error = doc.errors[0];
  if (error) {
    const [reason] = error.message.split('\n');
    const position = error.linePos?.[0];
    const column = position ? ` (column ${position.col})` : '';
    throw new InventoryError(`YAML syntax error: ${reason.replace(/ at line \d+, column \d+:?$/, '')}${column}`, file, position?.line);
  }
  const lineAt = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  return {
    data: doc.toJS({ mapAsMap: true }),
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = lineAt(doc.contents);
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
          if (!pair) break;
          line = lineAt(pair.key as Node);
          node = pair.value;
        } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
          node = node.items[key];
          line = lineAt(node as Node);
        } else {
          break;
        }
      }
      return line;
    },
  };
}

/** Turns a loaded value into JSON-like data: Maps become objects (keys as text), Sets become lists. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [plainKey(key), toPlain(item)]));
  if (value instanceof Set || Array.isArray(value)) return [...value].map(toPlain);
  return value;
}

function plainKey(key: unknown): string {
  return typeof key === 'string' ? key : JSON.stringify(toPlain(key)) ?? String(key);
}

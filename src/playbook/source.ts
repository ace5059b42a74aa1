import { readTextDecrypted } from '../vault/active.js';
import { VaultError } from '../vault/keyring.js';
import { markUnsafe } from '../template/unsafe.js';
import { pyyamlTags } from '../yaml/pyyaml.js';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** Where something was written: shown in every message about it. */
export interface Position {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(position: Position | undefined): string {
  return position ? `${position.file}:${position.line}:${position.column}` : '<unknown>';
}

/** A user error in a playbook, role, or vars file: one message, with where it is. */
export class PlaybookError extends Error {
  constructor(message: string, readonly position?: Position) {
    super(position ? `${formatPosition(position)}: ${message}` : message);
    this.name = 'PlaybookError';
  }
}

const objectPositions = new WeakMap<object, Position>();
const keyPositions = new WeakMap<object, Map<string, Position>>();
const itemPositions = new WeakMap<object, (Position | undefined)[]>();

/** The position of a mapping or list that came from a YAML file. */
export function positionOf(value: unknown): Position | undefined {
  return value !== null && typeof value === 'object' ? objectPositions.get(value) : undefined;
}

/** The position of one key of a mapping that came from a YAML file (falls back to the mapping). */
export function keyPositionOf(value: object, key: string): Position | undefined {
  return keyPositions.get(value)?.get(key) ?? positionOf(value);
}

/** The position of one item of a list that came from a YAML file (falls back to the list). */
export function itemPositionOf(list: readonly unknown[], index: number): Position | undefined {
  return positionOf(list[index]) ?? itemPositions.get(list)?.[index] ?? positionOf(list);
}

/** Gives a rewritten copy of a mapping the positions of the mapping it came from (errors still point at the file). */
export function samePositions<T extends object>(copy: T, original: object): T {
  const position = objectPositions.get(original);
  if (position) objectPositions.set(copy, position);
  const keys = keyPositions.get(original);
  if (keys) keyPositions.set(copy, keys);
  return copy;
}

function toPosition(file: string, counter: LineCounter, offset: number): Position {
  const { line, col } = counter.linePos(offset);
  return { file, line, column: col };
}

interface Source {
  file: string;
  counter: LineCounter;
  document: Document;
}

/** A list or mapping tagged `!unsafe` is never templated, as Ansible's. */
function unsafeWhenTagged<T extends object>(node: Node, value: T): T {
  return node.tag === '!unsafe' ? markUnsafe(value) : value;
}

function convert(node: Node | null | undefined, source: Source): unknown {
  if (!node) return null;
  if (isAlias(node)) return convert(node.resolve(source.document) as Node, source);
  const { file, counter } = source;
  if (isMap(node)) {
    const explicit: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    const keys = new Map<string, Position>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      // With `merge: true` the yaml package reads an unquoted `<<` key as a symbol.
      const key = isScalar(keyNode) ? (typeof keyNode.value === 'symbol' ? '<<' : String(keyNode.value)) : String(convert(keyNode, source));
      if (key === '<<' && !(isScalar(keyNode) && keyNode.type !== 'PLAIN')) {
        const value = convert(pair.value as Node, source);
        merged.push(...(Array.isArray(value) ? value : [value]).filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object'));
        continue;
      }
      explicit[key] = convert(pair.value as Node, source);
      if (keyNode?.range) keys.set(key, toPosition(file, counter, keyNode.range[0]));
    }
    // YAML merge keys: the mapping's own keys win, then the merged mappings in the order listed.
    const out: Record<string, unknown> = unsafeWhenTagged(node, Object.assign({}, ...merged.reverse(), explicit));
    if (node.range) objectPositions.set(out, toPosition(file, counter, node.range[0]));
    keyPositions.set(out, keys);
    return out;
  }
  if (isSeq(node)) {
    const out = unsafeWhenTagged(node, node.items.map((item) => convert(item as Node, source)));
    if (node.range) objectPositions.set(out, toPosition(file, counter, node.range[0]));
    itemPositions.set(out, node.items.map((item) => ((item as Node | null)?.range ? toPosition(file, counter, (item as Node).range![0]) : undefined)));
    return out;
  }
  if (isScalar(node)) return node.value;
  return (node as { toJSON(): unknown }).toJSON();
}

/** Where to point for a YAML error: an unclosed quote is reported at the end of the text, so point at where it opened. */
function yamlErrorOffset(text: string, code: string, message: string, offset: number): number {
  const quote = code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(message)?.[1] : undefined;
  if (!quote) return offset;
  const opened = text.lastIndexOf(quote, offset - 1);
  return opened >= 0 ? opened : offset;
}

/** Parses YAML the way Ansible does (YAML 1.1: yes/no booleans, 0644 octal), remembering positions. */
export function parseYaml(text: string, file: string): unknown {
  const counter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', customTags: pyyamlTags, lineCounter: counter, prettyErrors: false, uniqueKeys: false, merge: true });
  const [error] = document.errors;
  if (error) {
    throw new PlaybookError(`YAML syntax error: ${error.message.split('\n')[0]}`, toPosition(file, counter, yamlErrorOffset(text, error.code, error.message, error.pos[0])));
  }
  return convert(document.contents as Node, { file, counter, document });
}

export function loadYamlFile(path: string): unknown {
  let text: string;
  try {
    text = readTextDecrypted(path);
  } catch (error) {
    if (error instanceof VaultError) throw error;
    throw new PlaybookError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseYaml(text, path);
}

import { dirname } from 'node:path';
import type { FoundModule } from './lookup.js';
import { PayloadCollector, type PayloadSources } from './module-utils.js';

/** How Ansible would run the module file, decided from its text as Ansible does. */
export type ModuleStyle = 'new' | 'jsonargs' | 'want_json' | 'old' | 'binary';

export const JSON_ARGS_MARKER = '<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>';

export function moduleStyle(bytes: Buffer): ModuleStyle {
  if (bytes.subarray(0, 8192).includes(0)) return 'binary';
  const text = bytes.toString('utf8');
  if (/^\s*(from|import)\s+ansible(\.module_utils\b|_collections\.)/m.test(text) || /^\s*from\s+\.+module_utils\b/m.test(text)) return 'new';
  if (text.includes(JSON_ARGS_MARKER)) return 'jsonargs';
  if (text.includes('WANT_JSON')) return 'want_json';
  return 'old';
}

/** The dotted name runpy starts the module by. */
export function moduleDottedName(found: FoundModule): string {
  return found.packagePath.replace(/\.py$/, '').split('/').join('.');
}

const payloads = new Map<string, Uint8Array>();

/**
 * The self-contained zip of a new-style module: the module under its package path and every module_utils
 * file it imports (recursively), taken from the user's own installation. Built once per module per run.
 */
export async function newStylePayload(found: FoundModule, moduleBytes: Buffer, coreDir: string, collectionDir: PayloadSources['collectionDir']): Promise<Uint8Array> {
  const cached = payloads.get(found.path);
  if (cached) return cached;
  const collector = new PayloadCollector({ coreRoot: dirname(coreDir), collectionDir });
  collector.add('ansible/module_utils/basic.py');
  collector.add(found.packagePath, moduleBytes);
  const entries = Object.fromEntries([...collector.files].map(([path, bytes]) => [path, new Uint8Array(bytes)]));
  // fflate builds its tables when imported: only a run that sends an Ansible module pays for that.
  const { zipSync } = await import('fflate');
  const zip = zipSync(entries, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
  payloads.set(found.path, zip);
  return zip;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, extname, resolve } from 'node:path';
import { decryptedText } from '../vault/active.js';
import { parseAddress } from './address.js';
import { applyEdits, type InventoryEdit } from './edits.js';
import { InventoryError } from './errors.js';
import { parseIni } from './ini.js';
import type { InventoryModel } from './model.js';
import { parseYamlInventory } from './yaml-format.js';
import { loadYaml } from './yaml-1.1.js';

const YAML_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Entries of an inventory folder that Ansible never reads as inventory (its default INVENTORY_IGNORE_EXTS included). */
const IGNORED_IN_FOLDER = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(?:\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

/** What an inventory source names: a comma-separated host list, or a file or folder path. */
type SourceKind = { kind: 'hostList'; text: string } | { kind: 'path'; path: string };

async function classifySource(source: string): Promise<SourceKind> {
  if (source.includes(',') && !(await exists(source))) return { kind: 'hostList', text: source };
  return { kind: 'path', path: resolve(source === '~' || source.startsWith('~/') ? homedir() + source.slice(1) : source) };
}

/** Reads every source into the model in order. Missing paths only warn, as in Ansible. */
export async function readSources(model: InventoryModel, sources: readonly string[], warnings: string[]): Promise<void> {
  let parsed = false;
  for (const source of sources) {
    const kind = await classifySource(source);
    if (kind.kind === 'hostList') {
      const edits = hostListEdits(kind.text).filter((edit) => !model.hosts.has(edit.host));
      applyEdits(model, edits, kind.text, { file: kind.text, dir: null });
      parsed = true;
    } else if (await readPath(model, kind.path, warnings)) {
      parsed = true;
    }
  }
  if (!parsed) warnings.push('No inventory was parsed, only implicit localhost is available');
}

type HostEdit = Extract<InventoryEdit, { kind: 'host' }>;

/** "web1,web2:2222," -> hosts in 'ungrouped' (no ranges here, as in Ansible's host_list plugin). */
function hostListEdits(text: string): HostEdit[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry): HostEdit => ({ kind: 'host', group: 'ungrouped', line: 1, ...(parseAddress(entry, false) ?? { host: entry }) }));
}

async function readPath(model: InventoryModel, path: string, warnings: string[]): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    warnings.push(`Unable to parse ${path} as an inventory source`);
    return false;
  }
  if (!info.isDirectory()) {
    readFileSource(model, path, decryptedText(await readFile(path, 'utf8'), path), warnings);
    return true;
  }
  let parsed = false;
  for (const name of (await readdir(path)).sort()) {
    if (IGNORED_IN_FOLDER.test(name)) continue;
    if (await readPath(model, resolve(path, name), warnings)) parsed = true;
  }
  return parsed;
}

/**
 * Ansible tries its yaml plugin (for .yml/.yaml/.json and extension-less files), then its ini plugin. When both
 * fail, the error shown is the one of the format the file looks like.
 */
function readFileSource(model: InventoryModel, file: string, text: string, warnings: string[]): void {
  const ext = extname(file);
  if (ext === '.toml') throw new InventoryError('TOML inventory files are not supported; use INI or YAML', file);
  let edits: InventoryEdit[] | undefined;
  let yamlError: InventoryError | undefined;
  let parsedAsMapping = false;
  if (ext === '' || YAML_EXTENSIONS.includes(ext)) {
    try {
      const yaml = loadYaml(text, file);
      parsedAsMapping = yaml.data instanceof Map;
      const inventory = parseYamlInventory(yaml, file);
      edits = inventory.edits;
      warnings.push(...inventory.warnings);
    } catch (error) {
      if (!(error instanceof InventoryError)) throw error;
      yamlError = error;
    }
  }
  if (!edits) {
    try {
      edits = parseIni(text, file, model.groups.keys());
    } catch (iniError) {
      const looksLikeYaml = YAML_EXTENSIONS.includes(ext) || parsedAsMapping || /^(?:---|[^\s#;[=][^=]*:(?:\s|$))/.test(firstContentLine(text));
      throw yamlError && looksLikeYaml ? yamlError : iniError;
    }
  }
  applyEdits(model, edits, file, { file, dir: dirname(file) });
}

function firstContentLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))?.trim() ?? '';
}

/** The folder whose group_vars/ and host_vars/ belong to a source (none for a host list). */
export async function varsBaseDir(source: string): Promise<string | undefined> {
  const kind = await classifySource(source);
  if (kind.kind === 'hostList') return undefined;
  const info = await stat(kind.path).catch(() => undefined);
  return info?.isDirectory() ? kind.path : dirname(kind.path);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

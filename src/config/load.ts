import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { SETTINGS, type SettingDefinition, type SettingName } from './definitions.js';
import { ConfigError } from './errors.js';
import { findConfigFile } from './find.js';
import { parseConfigIni, type IniSections } from './ini.js';

type ValueOf<T extends SettingDefinition> = T['type'] extends 'boolean' ? boolean : T['type'] extends 'integer' ? number : T['type'] extends 'pathlist' | 'pathspec' | 'list' ? string[] : string;

/** Every setting: its value (undefined when neither set nor defaulted). */
export type ConfigValues = { [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> | ((typeof SETTINGS)[K] extends { default: unknown } ? never : undefined) };

/** Ansible's configuration as betif-play uses it: which file was read, what it warned about, and every setting. */
export interface AnsibleConfig {
  file?: string;
  warnings: string[];
  values: ConfigValues;
  /** Where each value that was set came from: 'env: NAME' or 'FILE:LINE'. */
  origins: Partial<Record<SettingName, string>>;
}

const BOOLEAN_TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);

/** Environment variables and ~ expanded as Ansible's unfrackpath does; relative paths from a file are relative to it. */
function expandPath(value: string, baseDir: string | undefined): string {
  const withVariables = value.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, bare: string | undefined, braced: string | undefined) => process.env[bare ?? braced ?? ''] ?? whole);
  const withHome = withVariables === '~' || withVariables.startsWith('~/') ? join(homedir(), withVariables.slice(1)) : withVariables;
  return resolve(baseDir ?? process.cwd(), withHome);
}

function unquote(value: string): string {
  return /^(['"]).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

function convert(definition: SettingDefinition, raw: string, baseDir: string | undefined, origin: string): unknown {
  switch (definition.type) {
    case 'boolean':
      return BOOLEAN_TRUE.has(raw.trim().toLowerCase());
    case 'integer': {
      if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
        throw new ConfigError(`Invalid type for configuration option setting: ${definition.ansibleName} (from ${origin}): invalid literal for int() with base 10: '${raw}'`);
      }
      return Number(raw);
    }
    case 'path':
      return expandPath(unquote(raw), baseDir);
    case 'pathlist':
      return raw.split(',').map((item) => item.trim()).filter(Boolean).map((item) => expandPath(unquote(item), baseDir));
    case 'pathspec':
      return raw.split(':').filter(Boolean).map((item) => expandPath(unquote(item), baseDir));
    case 'list':
      return raw.split(',').map((item) => unquote(item.trim())).filter(Boolean);
    default: {
      const text = unquote(raw);
      if (definition.choices && !definition.choices.includes(text)) {
        throw new ConfigError(`Invalid value "${text}" for configuration option "setting: ${definition.ansibleName}" (from ${origin}), valid values are: ${definition.choices.join(', ')}`);
      }
      return text;
    }
  }
}

function lastIniEntry(sections: IniSections, definition: SettingDefinition) {
  let found;
  for (const [section, key] of definition.ini) found = sections.get(section)?.get(key) ?? found;
  return found;
}

/** Reads the settings: environment variables over the ansible.cfg file over Ansible's defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AnsibleConfig {
  const { path, warnings } = findConfigFile(env, cwd);
  let sections: IniSections = new Map();
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(`Error reading config file (${path}): ${(error as Error).message}`);
    }
    sections = parseConfigIni(text, path);
  }
  const values: Record<string, unknown> = {};
  const origins: Partial<Record<SettingName, string>> = {};
  for (const [name, definition] of Object.entries(SETTINGS) as [SettingName, SettingDefinition][]) {
    const envName = [...definition.env].reverse().find((candidate) => env[candidate] !== undefined);
    const entry = path ? lastIniEntry(sections, definition) : undefined;
    if (envName !== undefined) {
      origins[name] = `env: ${envName}`;
      values[name] = convert(definition, env[envName] ?? '', undefined, origins[name]);
    } else if (entry && path) {
      origins[name] = `${path}:${entry.line}`;
      values[name] = convert(definition, entry.value, dirname(path), `${path}, line ${entry.line}`);
    } else {
      values[name] = definition.type.startsWith('path') && Array.isArray(definition.default) ? definition.default.map((item) => expandPath(item, undefined)) : definition.default;
    }
  }
  return { file: path, warnings, values: values as ConfigValues, origins };
}

import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import type { FileDiff } from '../../contract.js';

export const RKE2_CONFIG_PATH = '/etc/rancher/rke2/config.yaml';
/** rke2 reads join secrets from its config: they must not show in a diff. */
const SECRET_KEYS = ['token', 'agent-token'];
const MASK = '********';

export type Rke2Config = Record<string, unknown>;

export interface ConfigPlan {
  /** The file must be (re)written: missing, other settings, or not mode 0600. */
  write: boolean;
  /** The settings differ, so a running rke2 must restart to use them. */
  settingsChanged: boolean;
  text: string;
  diff: FileDiff[];
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parse(text) ?? {};
  } catch {
    return undefined;
  }
}

function masked(config: Rke2Config | undefined, other: Rke2Config | undefined): string {
  if (config === undefined) return '';
  const shown: Rke2Config = { ...config };
  for (const key of SECRET_KEYS) {
    if (key in shown) shown[key] = other !== undefined && key in other && !isDeepStrictEqual(other[key], config[key]) ? `${MASK} (changed)` : MASK;
  }
  return stringify(shown);
}

/** Compares the settings, not the text: comments and formatting in an existing file are no reason to restart rke2. */
export function planConfig(wanted: Rke2Config, currentText: string | undefined, currentMode: string | undefined): ConfigPlan {
  const current = parsed(currentText);
  const settingsChanged = !isDeepStrictEqual(current, wanted);
  const text = stringify(wanted);
  const currentConfig = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Rke2Config) : undefined;
  const diff: FileDiff[] = settingsChanged
    ? [{ before: currentText === undefined ? '' : currentConfig ? masked(currentConfig, undefined) : '# (not a YAML mapping)\n', after: masked(wanted, currentConfig), beforeHeader: RKE2_CONFIG_PATH }]
    : [];
  return { write: settingsChanged || currentMode !== '600', settingsChanged, text, diff };
}

import { ModuleFailure } from '../../contract.js';
import type { FileStat } from '../../shared/file-stat.js';
import { strptimeEpoch } from '../../shared/python-strptime.js';
import { nowMicros } from '../../shared/python-time.js';

export interface TimeArgs {
  modification_time?: string;
  modification_time_format: string;
  access_time?: string;
  access_time_format: string;
}

/** What the host is told to set: '' leaves a time alone, 'now' is the current time, '@EPOCH' a given one. */
export interface TimeChange {
  changed: boolean;
  mtime: string;
  atime: string;
  before: Record<string, number>;
  after: Record<string, number>;
}

export const NO_TIME_CHANGE: TimeChange = { changed: false, mtime: '', atime: '', before: {}, after: {} };

type Wanted = 'preserve' | 'now' | number;

/** Ansible's get_timestamp_for_time. */
function wanted(value: string, format: string): Wanted {
  if (value === 'preserve' || value === 'now') return value;
  try {
    return strptimeEpoch(value, format);
  } catch (error) {
    throw new ModuleFailure(`Error while obtaining timestamp for time ${value} using format ${format}: ${(error as Error).message}`);
  }
}

/** Ansible's default: touch sets both times to now, every other state preserves them. */
function withDefault(value: string | undefined, touch: boolean): string {
  return value ?? (touch ? 'now' : 'preserve');
}

/**
 * Ansible's update_timestamp_for_file: `now` always changes the file, `preserve` never does, and a given
 * time changes it only when it differs. `current` is the file as it stands (none when the task creates it).
 */
export function planTimes(args: TimeArgs, current: FileStat | undefined, touch: boolean): TimeChange {
  const mtime = wanted(withDefault(args.modification_time, touch), args.modification_time_format);
  const atime = wanted(withDefault(args.access_time, touch), args.access_time_format);
  if (mtime === 'preserve' && atime === 'preserve') return NO_TIME_CHANGE;
  const now = nowMicros() / 1e6;
  const resolve = (time: Wanted, previous: number | undefined): number | undefined => (time === 'preserve' ? previous : time === 'now' ? now : time);
  const newMtime = resolve(mtime, current?.mtime);
  const newAtime = resolve(atime, current?.atime);
  const before: Record<string, number> = {};
  const after: Record<string, number> = {};
  if (current && newMtime !== undefined && newMtime !== current.mtime) {
    before.mtime = current.mtime;
    after.mtime = newMtime;
  }
  if (current && newAtime !== undefined && newAtime !== current.atime) {
    before.atime = current.atime;
    after.atime = newAtime;
  }
  const changed = !current || (mtime === 'now' && atime === 'now') || Object.keys(before).length > 0;
  const spell = (time: Wanted): string => (time === 'preserve' ? '' : time === 'now' ? 'now' : `@${time}`);
  return { changed, mtime: spell(mtime), atime: spell(atime), before, after };
}

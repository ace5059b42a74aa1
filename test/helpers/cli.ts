import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { HostStats } from '../../src/runner/events.js';

/** The shipped command (package.json's bin): the esbuild bundle. */
export const BIN = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'bundle', 'cli', 'bin.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built betif-play command as a user would. */
export function betifPlay(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export type RecapCounts = HostStats;

/** The PLAY RECAP lines of an ansible-playbook-style output, per host. */
export function parseRecap(output: string): Record<string, RecapCounts> {
  const recap: Record<string, RecapCounts> = {};
  const section = output.slice(output.lastIndexOf('PLAY RECAP'));
  for (const line of section.split('\n')) {
    const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const counts = Object.fromEntries([...match[2].matchAll(/(\w+)=(\d+)/g)].map(([, key, value]) => [key, Number(value)]));
    recap[match[1]] = counts as unknown as RecapCounts;
  }
  return recap;
}

/** "TASK<TAB>HOST" for each task result a run's output reports as changed (delegated hosts under their own name), sorted. */
export function changedTasks(output: string): string[] {
  const pairs = new Set<string>();
  let task = '';
  for (const line of output.split('\n')) {
    const banner = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$/.exec(line);
    if (banner) task = banner[1];
    const changed = /^changed: \[([^\] ]+)/.exec(line);
    if (changed) pairs.add(`${task}\t${changed[1]}`);
  }
  return [...pairs].sort();
}

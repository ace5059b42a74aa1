import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostStats } from '../../src/runner/events.js';
import { BIN, runInWorker } from './cli-workers.js';

export { BIN } from './cli-workers.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Start the command as its own process (signals, the process list, start-up itself); otherwise a kept-loaded one runs it. */
  freshProcess?: boolean;
}

/**
 * Runs the built betif-play command line as a user would: its arguments, folder and environment, its exit code,
 * stdout and stderr. Unless `freshProcess`, the command runs in a process that already has the bundle loaded
 * (see cli-worker.ts): the suite runs it about a thousand times and loading it is most of a short run's CPU.
 */
export function betifPlay(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const env = { ...process.env, NO_COLOR: '1', ...options.env } as Record<string, string>;
  if (!options.freshProcess) return runInWorker({ args, cwd: options.cwd ?? process.cwd(), env });
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
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

/** A folder holding `site.yml` and a `hosts.ini` whose hosts (h1 by default) are reached with the local connection. */
export function localProject(playbook: string, hosts: readonly string[] = ['h1']): string {
  const work = mkdtempSync(join(tmpdir(), 'betif-local-'));
  writeFileSync(join(work, 'hosts.ini'), hosts.map((host) => `${host} ansible_connection=local\n`).join(''));
  writeFileSync(join(work, 'site.yml'), playbook);
  return work;
}

import { ConnectionPool } from '../connection/pool.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { Playbook } from '../playbook/types.js';
import type { HostStats, Reporter } from './events.js';
import { runPlay } from './play.js';
import type { Secrets } from './secrets.js';
import type { RunContext, RunOptions } from './state.js';
import { TaskGate } from './task-gate.js';

export interface RunSummary {
  stats: Map<string, HostStats>;
  exitCode: number;
}

/** Ansible's exit codes: 2 when a host failed, 4 when a host was unreachable (and none failed), else 0. */
export function exitCodeOf(stats: Map<string, HostStats>): number {
  const all = [...stats.values()];
  if (all.some((host) => host.failed > 0)) return 2;
  if (all.some((host) => host.unreachable > 0)) return 4;
  return 0;
}

export async function runPlaybooks(playbooks: Playbook[], inventory: Inventory, registry: ModuleRegistry, options: RunOptions, reporter: Reporter, secrets: Secrets): Promise<RunSummary> {
  const run: RunContext = { options, inventory, pool: new ConnectionPool(), reporter, hosts: new Map(), playbookDir: playbooks[0]?.dir ?? process.cwd(), secrets };
  if (options.startAtTask !== undefined || options.step) run.gate = new TaskGate(options.startAtTask, options.step);
  try {
    for (const playbook of playbooks) {
      run.playbookDir = playbook.dir;
      for (const play of playbook.plays) await runPlay(run, play, registry);
    }
  } finally {
    await run.pool.closeAll();
    for (const host of run.hosts.values()) if (Object.keys(host.facts).length > 0) options.factCache?.save(host.name, host.facts);
  }
  if (run.gate?.startNotFound !== undefined) reporter.warning(`No matching task "${run.gate.startNotFound}" found. Note: --start-at-task can only follow static includes.`);
  const stats = new Map([...run.hosts.values()].map((host) => [host.name, host.stats]));
  reporter.recap(stats);
  return { stats, exitCode: exitCodeOf(stats) };
}

import { ConnectionPool } from '../connection/pool.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { Playbook } from '../playbook/types.js';
import type { HostStats, Reporter } from './events.js';
import { registerPasswords } from './connections.js';
import { runPlay } from './play.js';
import type { Secrets } from './secrets.js';
import type { HostState, RunContext, RunOptions } from './state.js';
import { TaskGate } from './task-gate.js';

export interface RunSummary {
  stats: Map<string, HostStats>;
  exitCode: number;
}

/**
 * Ansible's exit codes: 4 when a host is unreachable at the end (even if others failed, as ansible-playbook 2.14
 * does), else 2 when one is failed, else 0. A host counts as Ansible counts it: rescued, or cleared by meta
 * clear_host_errors, it is no longer failed.
 */
export function exitCodeOf(hosts: readonly HostState[]): number {
  if (hosts.some((host) => host.unreachable)) return 4;
  if (hosts.some((host) => host.failed)) return 2;
  return 0;
}

/**
 * Ansible's background job lives on the host (its async_wrapper) and outlives the playbook; betif-play's is the module
 * run by the controller, so the run says which ones it leaves unfinished.
 */
export function unfinishedJobsWarning(jobs: string[]): string {
  return `${jobs.length === 1 ? 'a background job (async with poll: 0) was' : `${jobs.length} background jobs (async with poll: 0) were`} still running when the run ended (${jobs.join(', ')}): betif-play runs them from the controller and does not wait for them, so a command of theirs may be cut off when its connection closes`;
}

export async function runPlaybooks(
  playbooks: Playbook[],
  inventory: Inventory,
  registry: ModuleRegistry,
  options: RunOptions,
  reporter: Reporter,
  secrets: Secrets,
  pool = new ConnectionPool(),
): Promise<RunSummary> {
  const run: RunContext = { options, inventory, pool, reporter, hosts: new Map(), playbookDir: playbooks[0]?.dir ?? process.cwd(), secrets };
  registerPasswords(run);
  if (options.startAtTask !== undefined || options.step) run.gate = new TaskGate(options.startAtTask, options.step);
  try {
    // As ansible-playbook, plays broken off (any_errors_fatal, a batch that all failed) end the whole run.
    playbooks: for (const playbook of playbooks) {
      run.playbookDir = playbook.dir;
      reporter.playbookStart?.(playbook.given, playbook.plays.length);
      for (const play of playbook.plays) if (await runPlay(run, play, registry)) break playbooks;
    }
  } finally {
    const running = [...(run.asyncJobs ?? [])].filter(([, job]) => job.result === undefined);
    if (running.length > 0) reporter.warning(unfinishedJobsWarning(running.map(([jid, job]) => `${job.host}: ${jid}`)));
    await run.pool.closeAll();
    for (const host of run.hosts.values()) {
      // A fact holding a secret (a cacheable set_fact of a vault value) is not cached: the next run derives it again.
      const facts = Object.fromEntries(Object.entries(host.facts).filter(([, value]) => !secrets.holds(value)));
      if (Object.keys(facts).length > 0) options.factCache?.save(host.name, facts);
    }
  }
  if (run.gate?.startNotFound !== undefined) reporter.warning(`No matching task "${run.gate.startNotFound}" found. Note: --start-at-task can only follow static includes.`);
  // As Ansible's recap, a host no task counted anything for is not shown.
  const stats = new Map([...run.hosts.values()].filter((host) => Object.values(host.stats).some((count) => count > 0)).map((host) => [host.name, host.stats]));
  if (run.customStats?.size) reporter.customStats?.(run.customStats);
  reporter.recap(stats);
  return { stats, exitCode: exitCodeOf([...run.hosts.values()]) };
}

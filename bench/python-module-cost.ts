/**
 * node dist/bench/python-module-cost.js: what one task costs when it runs an Ansible Python module (the zip
 * payload over the host's connection) next to the same work done by a native module: `stat` (native) against
 * `ansible.legacy.stat` (ansible-core's stat.py from the controller's installation), TASKS tasks each on one lab
 * host, minus a play with no tasks; betif-play's runs repeated REPS times (median).
 * Env: TASKS (20), REPS (3), BASEPORT (2951), KEEP=1 to leave the lab running.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const TASKS = Number(process.env.TASKS ?? 20);
const REPS = Math.max(1, Number(process.env.REPS ?? 3));
const BASEPORT = Number(process.env.BASEPORT ?? 2951);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB_DIR = join(tmpdir(), 'betif-bench-python-lab');
const BIN = join(ROOT, 'dist', 'bundle', 'cli', 'bin.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function playbook(module: string | undefined): string {
  const tasks = module === undefined ? [] : Array.from({ length: TASKS }, (_, index) => `    - ${module}: {path: /etc/hostname}\n      register: r${index}`);
  return `- hosts: all\n  gather_facts: false\n  tasks:${tasks.length ? `\n${tasks.join('\n')}` : ' []'}\n`;
}

/** Median seconds of REPS runs of one playbook. */
async function seconds(work: string, name: string): Promise<number> {
  const runs: number[] = [];
  for (let rep = 0; rep < REPS; rep += 1) {
    const started = performance.now();
    const run = await execa(process.execPath, [BIN, join(work, name), '-i', join(LAB_DIR, 'inventory.ini'), '--known-hosts', join(LAB_DIR, 'known_hosts')], { reject: false, all: true });
    if (run.exitCode !== 0) throw new Error(`${name} failed (exit ${run.exitCode}):\n${run.all}`);
    runs.push((performance.now() - started) / 1000);
  }
  return median(runs);
}

async function main(): Promise<void> {
  await execa('bash', [join(ROOT, 'test', 'lab', 'up.sh'), '1', String(BASEPORT)], { env: { ...process.env, LAB_DIR }, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'betif-bench-python-'));
  try {
    writeFileSync(join(work, 'empty.yml'), playbook(undefined));
    writeFileSync(join(work, 'native.yml'), playbook('stat'));
    writeFileSync(join(work, 'python.yml'), playbook('ansible.legacy.stat'));
    const empty = await seconds(work, 'empty.yml');
    const native = await seconds(work, 'native.yml');
    const python = await seconds(work, 'python.yml');
    const perTask = (total: number) => ((Math.max(0, total - empty) * 1000) / TASKS).toFixed(1);
    console.log(`per task, one host, ${TASKS} tasks, median of ${REPS}:`);
    console.log(`  native stat                          ${perTask(native).padStart(8)} ms`);
    console.log(`  Python ansible.legacy.stat (payload)  ${perTask(python).padStart(8)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (process.env.KEEP !== '1') await execa('bash', [join(ROOT, 'test', 'lab', 'down.sh')], { env: { ...process.env, LAB_DIR }, reject: false });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});

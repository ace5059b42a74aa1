/**
 * npm run bench [-- --hosts N --forks N --reps N --tools ansible,mitogen,betif,floor --keep]
 *
 * The same 20-task playbook on the same lab hosts with ansible-playbook (pipelining, ControlPersist),
 * ansible-playbook with Mitogen (strategy mitogen_linear), betif-play (the shipped bundle, started as the
 * betif-play command) and the floor (the same work as one ssh command per task over an open ControlMaster): seconds for the first
 * run (changes) and the second (no change), ratios, ms per task per host, the controller's peak
 * resident memory (its process tree, sampled from /proc) and CPU time (from GNU time, with the children it
 * waited for: Ansible's ssh processes), and betif-play's fact gathering per host (the setup task's time over
 * all hosts, divided by their number).
 */
import { execa } from 'execa';
import { loadavg } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { watchPeakResident } from './process-tree.js';
import { floorCommands, TASK_COUNT, TASKS_YAML, TEMPLATE } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    hosts: { type: 'string', default: process.env.HOSTS ?? '10' },
    forks: { type: 'string' },
    'ansible-forks': { type: 'string' },
    reps: { type: 'string' },
    tools: { type: 'string', default: 'ansible,mitogen,betif,floor' },
    keep: { type: 'boolean', default: process.env.KEEP === '1' },
  },
});

const HOSTS = Number(flags.hosts);
const FORKS = Number(flags.forks ?? Math.min(HOSTS, 500));
const ANSIBLE_FORKS = Number(flags['ansible-forks'] ?? Math.min(FORKS, 50));
const REPS = Math.max(1, Number(flags.reps ?? (HOSTS <= 10 ? 3 : 1)));
const TOOLS = new Set(flags.tools.split(','));
const BASEPORT = 2301 + Number(process.env.BETIF_LAB_PORT_OFFSET ?? 0);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB_DIR = join(tmpdir(), 'betif-bench-lab');
const BIN = join(ROOT, 'dist', 'bundle', 'cli', 'bin.js');
const TIME = '/usr/bin/time';
const MITOGEN_STRATEGIES = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';

interface Timing {
  seconds: number;
  peakBytes: number;
  /** CPU seconds (user + system) of the controller's process and the children it waited for; undefined without /usr/bin/time. */
  cpuSeconds?: number;
}

interface ToolResult {
  first: number;
  second: number;
  firstCpu?: number;
  secondCpu?: number;
  peakBytes?: number;
  note?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function load(): string {
  return loadavg().map((value) => value.toFixed(1)).join(' ');
}

async function ensurePackages(): Promise<void> {
  const wanted = ['ansible-core', ...(TOOLS.has('mitogen') ? ['ansible-mitogen'] : [])];
  const missing: string[] = [];
  for (const name of wanted) if ((await execa('dpkg', ['-s', name], { reject: false })).exitCode !== 0) missing.push(name);
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: 'inherit' });
}

/** Runs a playbook command, checks its recap (every host changed on a first run, none on a second) and times it. */
async function timed(label: string, command: string, args: string[], cwd: string, env: Record<string, string>, expectChanged: boolean | undefined): Promise<Timing> {
  const timeFile = join(cwd, 'time.out');
  const started = performance.now();
  const child = existsSync(TIME)
    ? execa(TIME, ['-f', '%U %S', '-o', timeFile, command, ...args], { cwd, env: { ...process.env, ...env }, reject: false, all: true })
    : execa(command, args, { cwd, env: { ...process.env, ...env }, reject: false, all: true });
  const watch = watchPeakResident(child.pid ?? 0);
  const run = await child;
  const peakBytes = watch.stop();
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = existsSync(TIME) ? cpuOf(timeFile) : undefined;
  const recap = (run.all ?? '').split('\n').filter((line) => /^h\d+\s+:/.test(line));
  if (run.exitCode !== 0) throw new Error(`${label} failed (exit ${run.exitCode}):\n${(run.all ?? '').slice(-4000)}`);
  if (recap.length !== HOSTS) throw new Error(`${label}: ${recap.length} hosts in the recap, expected ${HOSTS}`);
  if (expectChanged !== undefined) {
    const changedHosts = recap.filter((line) => !/changed=0\s/.test(line)).length;
    if (expectChanged ? changedHosts !== HOSTS : changedHosts !== 0) throw new Error(`${label}: unexpected changes:\n${recap.join('\n')}`);
  }
  const cpu = cpuSeconds === undefined ? '' : `  ${cpuSeconds.toFixed(2).padStart(6)} s CPU`;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${(peakBytes / 2 ** 20).toFixed(0).padStart(5)} MB${cpu}   (load ${load()})`);
  return { seconds, peakBytes, cpuSeconds };
}

/** The user + system seconds GNU time wrote (its last line: a failed command adds a line before it). */
function cpuOf(timeFile: string): number | undefined {
  const [user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  return Number.isFinite(user) && Number.isFinite(system) ? user + system : undefined;
}

function hostNames(): string[] {
  return Array.from({ length: HOSTS }, (_, index) => `h${index + 1}`);
}

function resetHosts(): void {
  for (const name of hostNames()) rmSync(join(LAB_DIR, 'hosts', name, 'root', 'srv', 'bench'), { recursive: true, force: true });
}

/** The floor: one ssh command per task per host over ControlMasters opened beforehand. */
async function floorRun(work: string, label: string): Promise<number> {
  const sshConfig = join(LAB_DIR, 'ssh_config');
  const controlDir = join(work, 'floor-cp');
  mkdirSync(controlDir, { recursive: true });
  const control = (name: string) => ['-F', sshConfig, '-o', `ControlPath=${join(controlDir, name)}`];
  const limit = pLimit(FORKS);
  await Promise.all(hostNames().map((name) => limit(() => execa('ssh', [...control(name), '-o', 'ControlMaster=yes', '-o', 'ControlPersist=yes', '-fN', name]))));
  try {
    const started = performance.now();
    await Promise.all(
      hostNames().map((name) =>
        limit(async () => {
          for (const command of floorCommands(name, HOSTS)) await execa('ssh', [...control(name), '-o', 'ControlMaster=no', name, command]);
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s            (load ${load()})`);
    return seconds;
  } finally {
    await Promise.all(hostNames().map((name) => limit(() => execa('ssh', [...control(name), '-O', 'exit', name], { reject: false }))));
  }
}

interface FactsLog {
  /** Each host's setup command on its open connection, ms (latency: N hosts share the machine meanwhile). */
  perCommand: number[];
  /** The setup task from its start to the last host's result, ms. */
  taskMs: number;
}

/** Fact gathering from betif-play's log: every setup command's duration, and the setup task's own duration over all hosts. */
function factsLog(logFile: string): FactsLog {
  const entries = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event?: string; task?: string; durationMs?: number });
  const durations = (event: string) => entries.filter((entry) => entry.event === event && entry.task === 'facts' && typeof entry.durationMs === 'number').map((entry) => entry.durationMs as number);
  return { perCommand: durations('command'), taskMs: Math.max(0, ...durations('result')) };
}

async function main(): Promise<void> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
  await ensurePackages();
  console.log(`lab: ${HOSTS} hosts from port ${BASEPORT} in ${LAB_DIR} (load before: ${load()})`);
  const up = await execa('bash', [join(ROOT, 'test', 'lab', 'up.sh'), String(HOSTS), String(BASEPORT)], { env: { ...process.env, LAB_DIR, LAB_JOBS: '12' }, reject: false, all: true });
  if (up.exitCode !== 0) throw new Error(`up.sh failed:\n${up.all}`);
  const work = mkdtempSync(join(tmpdir(), 'betif-bench-'));
  try {
    const inventory = join(work, 'inventory.ini');
    writeFileSync(inventory, ['[lab]', ...hostNames().map((name, index) => `${name} ansible_host=127.0.0.1 ansible_port=${BASEPORT + index} ansible_user=root ansible_ssh_private_key_file=${join(LAB_DIR, 'client_ed25519')}`), ''].join('\n'));
    writeFileSync(join(work, 'tasks.yml'), TASKS_YAML);
    writeFileSync(join(work, 'bench.j2'), TEMPLATE);
    writeFileSync(join(work, 'bench.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - import_tasks: tasks.yml\n');
    writeFileSync(join(work, 'ping.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: ping, ping: {}}\n');
    writeFileSync(join(work, 'facts.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: ping, ping: {}}\n    - {name: facts, setup: {}}\n');
    const ansibleCfg = (mitogen: boolean) =>
      [
        '[defaults]',
        `inventory = ${inventory}`,
        `forks = ${ANSIBLE_FORKS}`,
        'host_key_checking = True',
        'interpreter_python = /usr/bin/python3',
        'retry_files_enabled = False',
        'deprecation_warnings = False',
        ...(mitogen ? [`strategy_plugins = ${MITOGEN_STRATEGIES}`, 'strategy = mitogen_linear'] : []),
        '[ssh_connection]',
        'pipelining = True',
        `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${join(LAB_DIR, 'known_hosts')} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`,
        `control_path_dir = ${join(work, 'cp')}`,
        '',
      ].join('\n');
    writeFileSync(join(work, 'ansible.cfg'), ansibleCfg(false));
    writeFileSync(join(work, 'mitogen.cfg'), ansibleCfg(true));
    const ansibleEnv = (config: string) => ({ ANSIBLE_CONFIG: join(work, config), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(work, 'tmp') });
    // Started as the betif-play command is (bin.js as a program), not as `node bin.js`.
    const betif = (playbook: string, ...extra: string[]) => [join(work, playbook), '-i', inventory, '--known-hosts', join(LAB_DIR, 'known_hosts'), '-f', String(FORKS), ...extra];
    const { stdout: version } = await execa('ansible-playbook', ['--version']);
    console.log(`${version.split('\n')[0]} vs betif-play: ${HOSTS} hosts x ${TASK_COUNT} tasks, forks ${FORKS} (ansible forks ${ANSIBLE_FORKS}), ${TOOLS.size} tools\n`);

    const results = new Map<string, ToolResult>();
    const ansibleLike = async (label: string, config: string) => {
      resetHosts();
      const first = await timed(`${label} run 1`, 'ansible-playbook', [join(work, 'bench.yml')], work, ansibleEnv(config), true);
      const second = await timed(`${label} run 2`, 'ansible-playbook', [join(work, 'bench.yml')], work, ansibleEnv(config), false);
      results.set(label, { first: first.seconds, second: second.seconds, firstCpu: first.cpuSeconds, secondCpu: second.cpuSeconds, peakBytes: Math.max(first.peakBytes, second.peakBytes) });
    };
    if (TOOLS.has('ansible')) await ansibleLike('ansible-playbook', 'ansible.cfg');
    if (TOOLS.has('mitogen')) await ansibleLike('ansible + mitogen_linear', 'mitogen.cfg');
    if (TOOLS.has('betif')) {
      const first: number[] = [];
      const second: number[] = [];
      const firstCpu: number[] = [];
      const secondCpu: number[] = [];
      let peakBytes = 0;
      for (let rep = 1; rep <= REPS; rep += 1) {
        resetHosts();
        const one = await timed(`betif-play run 1 (${rep}/${REPS})`, BIN, betif('bench.yml'), work, {}, true);
        const two = await timed(`betif-play run 2 (${rep}/${REPS})`, BIN, betif('bench.yml'), work, {}, false);
        first.push(one.seconds);
        second.push(two.seconds);
        if (one.cpuSeconds !== undefined) firstCpu.push(one.cpuSeconds);
        if (two.cpuSeconds !== undefined) secondCpu.push(two.cpuSeconds);
        peakBytes = Math.max(peakBytes, one.peakBytes, two.peakBytes);
      }
      results.set('betif-play', {
        first: median(first),
        second: median(second),
        firstCpu: firstCpu.length ? median(firstCpu) : undefined,
        secondCpu: secondCpu.length ? median(secondCpu) : undefined,
        peakBytes,
        note: REPS > 1 ? `median of ${REPS}` : undefined,
      });
    }
    if (TOOLS.has('floor')) {
      resetHosts();
      const first = await floorRun(work, 'floor (ssh per task, open ControlMaster) run 1');
      const second = await floorRun(work, 'floor (ssh per task, open ControlMaster) run 2');
      results.set('floor', { first, second, note: 'masters opened beforehand' });
    }

    let facts: (FactsLog & { amortizedMs: number; cpuMs?: number }) | undefined;
    if (TOOLS.has('betif')) {
      // The ping task opens every connection (handshakes paced, see ssh.ts), so the setup task runs on open ones.
      const log = join(work, 'facts.log');
      const withFacts = await timed('betif-play ping + setup', BIN, betif('facts.yml', '--log-file', log), work, {}, undefined);
      const pingOnly = await timed('betif-play ping', BIN, betif('ping.yml', '--log-file', join(work, 'ping.log')), work, {}, undefined);
      const cpuMs = withFacts.cpuSeconds === undefined || pingOnly.cpuSeconds === undefined ? undefined : ((withFacts.cpuSeconds - pingOnly.cpuSeconds) * 1000) / HOSTS;
      facts = { ...factsLog(log), amortizedMs: (Math.max(0, withFacts.seconds - pingOnly.seconds) * 1000) / HOSTS, cpuMs };
    }

    const betifResult = results.get('betif-play');
    const perTaskHost = (seconds: number) => (seconds * 1000) / (TASK_COUNT * HOSTS);
    console.log(`\n${HOSTS} hosts x ${TASK_COUNT} tasks, forks ${FORKS}; machine load (1/5/15 min) at the end: ${load()}`);
    console.log(`${'tool'.padEnd(26)} ${'run 1'.padStart(9)} ${'run 2'.padStart(9)} ${'run 2 / betif'.padStart(14)} ${'ms/task/host'.padStart(13)} ${'peak RSS'.padStart(9)} ${'CPU run 1/2'.padStart(14)}`);
    for (const [tool, result] of results) {
      const ratio = betifResult ? `${(result.second / betifResult.second).toFixed(1)}x` : '-';
      const rss = result.peakBytes === undefined ? '-' : `${(result.peakBytes / 2 ** 20).toFixed(0)} MB`;
      const cpu = result.firstCpu === undefined || result.secondCpu === undefined ? '-' : `${result.firstCpu.toFixed(2)}/${result.secondCpu.toFixed(2)} s`;
      console.log(
        `${tool.padEnd(26)} ${`${result.first.toFixed(2)} s`.padStart(9)} ${`${result.second.toFixed(2)} s`.padStart(9)} ${ratio.padStart(14)} ${perTaskHost(result.second).toFixed(2).padStart(13)} ${rss.padStart(9)} ${cpu.padStart(14)}${result.note ? `   (${result.note})` : ''}`,
      );
    }
    const floor = results.get('floor');
    if (betifResult && floor) console.log(`betif-play per task per host, run 2: ${(betifResult.second / floor.second).toFixed(2)}x the floor`);
    if (facts) {
      const sorted = [...facts.perCommand].sort((a, b) => a - b);
      const cpu = facts.cpuMs === undefined ? '' : `; controller CPU ${facts.cpuMs.toFixed(1)} ms per host (ping+setup run minus ping run)`;
      console.log(
        `fact gathering: ${(facts.taskMs / HOSTS).toFixed(1)} ms per host (the setup task, ${facts.taskMs} ms for ${HOSTS} hosts on open connections); ` +
          `${facts.amortizedMs.toFixed(1)} ms per host amortized (ping+setup run minus ping run, / ${HOSTS})${cpu}; ` +
          `each setup command took ${median(sorted).toFixed(1)} ms (median, p90 ${sorted[Math.floor(sorted.length * 0.9)] ?? '-'} ms) with ${HOSTS} at once`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!flags.keep) await execa('bash', [join(ROOT, 'test', 'lab', 'down.sh')], { env: { ...process.env, LAB_DIR }, reject: false });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});

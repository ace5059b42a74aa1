/**
 * npm run bench:facts [-- --hosts N --rounds R --subset all --keep]
 *
 * What one setup costs, in figures a busy machine does not blur: the processes it starts on the host (strace on
 * the command-stream driver, as test/integration/facts.test.ts counts them), the host's CPU per setup (the
 * driver's shell and everything it waited for, plus the sshd process carrying the session, from /proc: the lab
 * shares the machine's process ids) and the controller's CPU per host (this process, all hosts at once). Each
 * round opens new connections, so that every setup is a host's first, as in a play. A host's first setup ever
 * also starts its Python, whose facts the host keeps from then on (src/facts/script.ts): a round over every host
 * before the measured ones makes them the setups of every later play; its CPU is shown on its own.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SshConnection } from '../src/connection/ssh.js';
import { gatherFacts } from '../src/facts/gather.js';
import { onHost } from '../test/helpers/host-processes.js';

const { values: flags } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '10' },
    subset: { type: 'string', default: 'all' },
    keep: { type: 'boolean', default: false },
  },
});
const HOSTS = Number(flags.hosts);
const ROUNDS = Number(flags.rounds);
const SUBSET = flags.subset.split(',');
const BASEPORT = 2301 + Number(process.env.BETIF_LAB_PORT_OFFSET ?? 0);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAB_DIR = join(tmpdir(), 'betif-bench-lab');
/** /proc's CPU times are in clock ticks: 100 per second on Linux. */
const TICK_MS = 10;

function connect(index: number): SshConnection {
  return new SshConnection({
    host: `h${index + 1}`,
    kind: 'ssh',
    address: '127.0.0.1',
    port: BASEPORT + index,
    user: 'root',
    privateKeyFile: join(LAB_DIR, 'client_ed25519'),
    hostKeyChecking: 'strict',
    knownHostsFiles: [join(LAB_DIR, 'known_hosts')],
    connectTimeoutMs: 30_000,
  });
}

/** A process's parent and its CPU ticks: its own, and those of the children it waited for. */
function cpuTicks(pid: number): { parent: number; own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name, which may hold spaces: state, ppid, ... utime (14), stime, cutime, cstime.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return { parent: fields[1], own: fields[11] + fields[12], children: fields[13] + fields[14] };
}

async function driverPid(conn: SshConnection): Promise<number> {
  return Number((await conn.exec(['sh', '-c', 'echo $PPID'])).stdout);
}

async function main(): Promise<void> {
  const up = await execa('bash', [join(ROOT, 'test', 'lab', 'up.sh'), String(HOSTS), String(BASEPORT)], { env: { ...process.env, LAB_DIR }, reject: false, all: true });
  if (up.exitCode !== 0) throw new Error(`up.sh failed:\n${up.all}`);
  try {
    const first = connect(0);
    const { processes: firstEver } = await onHost(first, () => gatherFacts(first, { gatherSubset: SUBSET }));
    const { processes } = await onHost(first, () => gatherFacts(first, { gatherSubset: SUBSET }));
    await first.close();

    const measure = async () => {
      let shellTicks = 0;
      let sshdTicks = 0;
      const connections = Array.from({ length: HOSTS }, (_, index) => connect(index));
      const drivers = await Promise.all(connections.map(driverPid));
      const before = drivers.map((pid) => {
        const driver = cpuTicks(pid);
        return { driver, sshd: cpuTicks(driver.parent) };
      });
      const cpu = process.cpuUsage();
      await Promise.all(connections.map((conn) => gatherFacts(conn, { gatherSubset: SUBSET })));
      const used = process.cpuUsage(cpu);
      drivers.forEach((pid, index) => {
        const driver = cpuTicks(pid);
        shellTicks += driver.own + driver.children - before[index].driver.own - before[index].driver.children;
        sshdTicks += cpuTicks(driver.parent).own - before[index].sshd.own;
      });
      await Promise.all(connections.map((conn) => conn.close()));
      return { shellTicks, sshdTicks, controllerMicros: used.user + used.system };
    };
    const warmUp = await measure();
    let shellTicks = 0;
    let sshdTicks = 0;
    let controllerMicros = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const used = await measure();
      shellTicks += used.shellTicks;
      sshdTicks += used.sshdTicks;
      controllerMicros += used.controllerMicros;
    }
    const setups = HOSTS * ROUNDS;
    const perSetup = (ticks: number, count = setups) => ((ticks * TICK_MS) / count).toFixed(1);
    console.log(`gather_subset ${SUBSET.join(',')}: ${setups} setups (${HOSTS} hosts at once, ${ROUNDS} rounds), load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
    console.log(`processes started on the host by its first setup ever: ${firstEver.length} (${firstEver.join(', ') || 'none'})`);
    console.log(`processes started on the host per setup after it: ${processes.length} (${processes.join(', ') || 'none'})`);
    console.log(`host CPU per setup: ${perSetup(shellTicks + sshdTicks)} ms (${perSetup(shellTicks)} ms the shell and its programs, ${perSetup(sshdTicks)} ms sshd)`);
    console.log(`controller CPU per host: ${(controllerMicros / 1000 / setups).toFixed(1)} ms`);
    console.log(`the round before (hosts 2-${HOSTS}'s first setup ever): host CPU per setup ${perSetup(warmUp.shellTicks + warmUp.sshdTicks, HOSTS)} ms, controller CPU per host ${(warmUp.controllerMicros / 1000 / HOSTS).toFixed(1)} ms`);
  } finally {
    if (!flags.keep) await execa('bash', [join(ROOT, 'test', 'lab', 'down.sh')], { env: { ...process.env, LAB_DIR }, reject: false });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});

import { execa } from 'execa';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ConnectionSettings } from '../../src/connection/settings.js';

export interface LabHost {
  /** Inventory name: h1, h2 ... */
  name: string;
  port: number;
  /** The host's filesystem as seen from the test (its /etc is `${root}/etc`). */
  root: string;
}

export interface Lab {
  dir: string;
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  hosts: LabHost[];
  /** Stops one host's sshd and sessions, keeping its files (startHosts brings it back). */
  stopHost(name: string): Promise<void>;
  /** Starts every host that is not running. */
  startHosts(): Promise<void>;
  /** Stops every host and removes the lab directory. */
  stop(): Promise<void>;
}

export interface LabOptions {
  basePort?: number;
  dir?: string;
}

// Compiled to dist/test/helpers/: the scripts stay in the source tree.
const LAB_SCRIPTS = fileURLToPath(new URL('../../../test/lab/', import.meta.url));

async function script(name: string, dir: string, args: string[]): Promise<void> {
  const result = await execa('bash', [join(LAB_SCRIPTS, name), ...args], { env: { LAB_DIR: dir }, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${name} ${args.join(' ')} failed (${result.exitCode}):\n${result.all}`);
}

/**
 * A lab port moved by BETIF_LAB_PORT_OFFSET, so that several checkouts can run their suites at once
 * (each with its own TMPDIR for the lab folders).
 */
export function labPort(port: number): number {
  return port + Number(process.env.BETIF_LAB_PORT_OFFSET ?? 0);
}

// Ports are the machine's, not a checkout's: their reservations live in one folder for every test process.
const PORT_LOCKS = '/tmp/betif-lab-ports';
const LOCK_WAIT_MS = 20 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the port's reservation when it is free or its holder has died; false when a live process holds it. */
function tryReserve(port: number): boolean {
  const lock = join(PORT_LOCKS, String(port));
  try {
    mkdirSync(lock);
  } catch {
    let holder = 0;
    try {
      holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // Just made by its holder, who has not written its pid yet.
      return false;
    }
    if (holder === process.pid) return true;
    if (processAlive(holder)) return false;
    rmSync(lock, { recursive: true, force: true });
    return tryReserve(port);
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

const reserved = new Set<number>();
process.on('exit', () => {
  for (const port of reserved) rmSync(join(PORT_LOCKS, String(port)), { recursive: true, force: true });
});

function release(ports: number[]): void {
  for (const port of ports) {
    rmSync(join(PORT_LOCKS, String(port)), { recursive: true, force: true });
    reserved.delete(port);
  }
}

/**
 * Reserves the lab's ports for this process, so that test files run at once never share a lab port: a file whose
 * ports another running file holds waits for them.
 */
async function reservePorts(ports: number[]): Promise<void> {
  mkdirSync(PORT_LOCKS, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const taken: number[] = [];
    for (const port of ports) {
      if (!reserved.has(port) && !tryReserve(port)) break;
      taken.push(port);
    }
    if (taken.length === ports.length) {
      for (const port of ports) reserved.add(port);
      return;
    }
    for (const port of taken) if (!reserved.has(port)) rmSync(join(PORT_LOCKS, String(port)), { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`lab ports ${ports[0]}-${ports.at(-1)} stayed reserved by another test process (${PORT_LOCKS})`);
    await sleep(500);
  }
}

/** Starts `count` SSH test hosts h1..hN on 127.0.0.1:basePort.. (see test/lab/up.sh). */
export async function startLab(count: number, options: LabOptions = {}): Promise<Lab> {
  const basePort = options.basePort ?? labPort(2301);
  const dir = resolve(options.dir ?? '/tmp/betif-lab');
  const ports = Array.from({ length: count }, (_, index) => basePort + index);
  await reservePorts(ports);
  const up = () => script('up.sh', dir, [String(count), String(basePort)]);
  try {
    await up();
  } catch (error) {
    release(ports);
    throw error;
  }
  return {
    dir,
    inventoryPath: join(dir, 'inventory.ini'),
    knownHostsPath: join(dir, 'known_hosts'),
    keyPath: join(dir, 'client_ed25519'),
    hosts: Array.from({ length: count }, (_, index) => ({
      name: `h${index + 1}`,
      port: basePort + index,
      root: join(dir, 'hosts', `h${index + 1}`, 'root'),
    })),
    stopHost: (name) => script('down.sh', dir, [name]),
    startHosts: up,
    async stop() {
      await script('down.sh', dir, []);
      release(ports);
    },
  };
}

/** Connection settings for one lab host: root, the lab's client key, its known_hosts, strict checking. */
export function labSettings(lab: Lab, host: LabHost, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    host: host.name,
    kind: 'ssh',
    address: '127.0.0.1',
    port: host.port,
    user: 'root',
    privateKeyFile: lab.keyPath,
    hostKeyChecking: 'strict',
    knownHostsFiles: [lab.knownHostsPath],
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

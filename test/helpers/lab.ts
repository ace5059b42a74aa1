import { execa } from 'execa';
import { join, resolve } from 'node:path';
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

/** Starts `count` SSH test hosts h1..hN on 127.0.0.1:basePort.. (see test/lab/up.sh). */
export async function startLab(count: number, options: LabOptions = {}): Promise<Lab> {
  const basePort = options.basePort ?? labPort(2301);
  const dir = resolve(options.dir ?? '/tmp/betif-lab');
  const up = () => script('up.sh', dir, [String(count), String(basePort)]);
  await up();
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
    stop: () => script('down.sh', dir, []),
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

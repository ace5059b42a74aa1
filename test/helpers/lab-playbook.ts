import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { betifPlay, parseRecap, type CliRun, type RecapCounts } from './cli.js';
import { labPort, startLab, type Lab } from './lab.js';

export interface PlayRun extends CliRun {
  /** The playbook file, for file:line messages. */
  path: string;
  recap: Record<string, RecapCounts>;
}

export interface LabPlaybooks {
  lab: Lab;
  /** The first host's filesystem as seen from the test. */
  root: string;
  /** Writes the playbook (YAML text) and runs it against every lab host with these extra arguments. */
  play(playbook: string, args?: string[]): Promise<PlayRun>;
  stop(): Promise<void>;
}

/** A lab of `count` SSH hosts (its own port and folder) and a way to run playbooks on it. */
export async function labPlaybooks(name: string, port: number, count = 1): Promise<LabPlaybooks> {
  const lab = await startLab(count, { basePort: labPort(port), dir: join(tmpdir(), `betif-lab-${name}`) });
  const work = mkdtempSync(join(tmpdir(), `betif-${name}-play-`));
  let runs = 0;
  return {
    lab,
    root: lab.hosts[0].root,
    async play(playbook, args = []) {
      runs += 1;
      const path = join(work, `play-${runs}.yml`);
      writeFileSync(path, playbook);
      const run = await betifPlay([path, '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, ...args]);
      return { ...run, path, recap: parseRecap(run.stdout) };
    },
    stop: () => lab.stop(),
  };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { HostStats } from '../runner/events.js';

/** retry_files_enabled: the failed and unreachable hosts in PLAYBOOK.retry, for `--limit @file`, as Ansible writes it. */
export function writeRetryFile(playbookPath: string | undefined, stats: Map<string, HostStats>, savePath: string | undefined): void {
  const hosts = [...stats].filter(([, counts]) => counts.failed > 0 || counts.unreachable > 0).map(([host]) => host).sort();
  if (hosts.length === 0 || playbookPath === undefined) return;
  const folder = savePath ?? (playbookPath ? dirname(resolve(playbookPath)) : homedir());
  const file = join(folder, `${basename(playbookPath, extname(playbookPath))}.retry`);
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, `${hosts.join('\n')}\n`);
    process.stdout.write(`\tto retry, use: --limit @${file}\n\n`);
  } catch (error) {
    process.stderr.write(`[WARNING]: Could not create retry file '${file}'.\n\t${(error as Error).message}\n`);
  }
}

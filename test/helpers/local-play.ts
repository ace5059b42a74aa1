import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { betifPlay, type CliRun } from './cli.js';

/** A folder holding `files` (path -> text), for a playbook run on the controller itself. */
export function projectWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'betif-lang-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs `playbook.yml` of a project against localhost over the local connection. */
export function runLocal(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  return betifPlay(['playbook.yml', '-i', 'localhost,', '-e', 'ansible_connection=local', ...args], { cwd: dir, env });
}

/** The JSON value printed by a `debug` task for the given key (`msg`, or the var name), in output order. */
export function debugValues(stdout: string, key = 'msg'): unknown[] {
  const values: unknown[] = [];
  for (const match of stdout.matchAll(/=> (\{\n[\s\S]*?\n\})\n/g)) {
    const parsed = JSON.parse(match[1]) as Record<string, unknown>;
    if (key in parsed) values.push(parsed[key]);
  }
  return values;
}

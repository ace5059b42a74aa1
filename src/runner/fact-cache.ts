import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Facts kept between runs, one JSON file per host, as Ansible's jsonfile cache plugin keeps them. */
export interface FactCache {
  load(host: string): Record<string, unknown> | undefined;
  save(host: string, facts: Record<string, unknown>): void;
  flush(hosts: Iterable<string>): void;
}

/** Ansible's jsonfile cache: FOLDER/HOST holds the facts; a file older than the timeout (seconds, 0 = never) is stale. */
export class JsonFileFactCache implements FactCache {
  constructor(private readonly folder: string, private readonly timeoutSeconds: number) {}

  private file(host: string): string {
    return join(this.folder, host);
  }

  load(host: string): Record<string, unknown> | undefined {
    try {
      const age = (Date.now() - statSync(this.file(host)).mtimeMs) / 1000;
      if (this.timeoutSeconds > 0 && age > this.timeoutSeconds) return undefined;
      const facts = JSON.parse(readFileSync(this.file(host), 'utf8')) as unknown;
      return facts && typeof facts === 'object' && !Array.isArray(facts) ? (facts as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  save(host: string, facts: Record<string, unknown>): void {
    mkdirSync(this.folder, { recursive: true });
    writeFileSync(this.file(host), `${JSON.stringify(sortKeys(facts), null, 4)}`, { mode: 0o600 });
  }

  flush(hosts: Iterable<string>): void {
    for (const host of hosts) rmSync(this.file(host), { force: true });
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  return value;
}

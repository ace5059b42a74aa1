import { sortedKeys } from '../python/sorted-keys.js';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writePrivateFile } from '../output/private-file.js';
import { join } from 'node:path';

/** Facts kept between runs, one JSON file per host, as Ansible's jsonfile cache plugin keeps them. */
export interface FactCache {
  load(host: string): Record<string, unknown> | undefined;
  save(host: string, facts: Record<string, unknown>): void;
  flush(hosts: Iterable<string>): void;
}

/** Ansible keeps facts in the cache as top-level variables (ansible_hostname), and as ansible_facts.hostname in a run. */
function toCached(facts: Record<string, unknown>): Record<string, unknown> {
  const cached: Record<string, unknown> = { _ansible_facts_gathered: true };
  for (const [key, value] of Object.entries(facts)) cached[key.startsWith('ansible_') ? key : `ansible_${key}`] = value;
  return cached;
}

function fromCached(cached: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cached)) {
    if (key.startsWith('_ansible')) continue;
    facts[key.startsWith('ansible_') && key !== 'ansible_local' ? key.slice('ansible_'.length) : key] = value;
  }
  return facts;
}

/**
 * Ansible's jsonfile cache, in its file format (so both tools share a cache folder): FOLDER/PREFIXHOST holds the
 * facts (fact_caching_prefix); a file older than the timeout (seconds, 0 = never) is stale.
 */
export class JsonFileFactCache implements FactCache {
  constructor(
    private readonly folder: string,
    private readonly timeoutSeconds: number,
    private readonly prefix = '',
  ) {}

  private file(host: string): string {
    return join(this.folder, `${this.prefix}${host}`);
  }

  load(host: string): Record<string, unknown> | undefined {
    try {
      const age = (Date.now() - statSync(this.file(host)).mtimeMs) / 1000;
      if (this.timeoutSeconds > 0 && age > this.timeoutSeconds) return undefined;
      const facts = JSON.parse(readFileSync(this.file(host), 'utf8')) as unknown;
      return facts && typeof facts === 'object' && !Array.isArray(facts) ? fromCached(facts as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  save(host: string, facts: Record<string, unknown>): void {
    mkdirSync(this.folder, { recursive: true });
    writePrivateFile(this.file(host), `${JSON.stringify(sortedKeys(toCached(facts)), null, 4)}`);
  }

  flush(hosts: Iterable<string>): void {
    for (const host of hosts) rmSync(this.file(host), { force: true });
  }
}

import { createHash } from 'node:crypto';
import type { Inventory } from './types.js';

/** `--slice i/N`: this run is slice `index` (1-based, as AWX's slice2of5) of `count`. */
export interface Slice {
  index: number;
  count: number;
}

/** Parses `i/N`; undefined when the text is not a slice (the caller reports it as a bad option). */
export function parseSlice(text: string): Slice | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const [index, count] = [Number(match[1]), Number(match[2])];
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}

function score(host: string, slice: number): bigint {
  return createHash('sha256').update(`${host}\0${slice}`).digest().readBigUInt64BE(0);
}

/**
 * The slice (1-based) a host belongs to, by rendezvous hashing on its inventory name: each host goes to the
 * slice that scores it highest. A host's slice depends only on its own name and N, so adding hosts to the
 * inventory never moves an existing host to another slice.
 */
export function sliceOfHost(host: string, count: number): number {
  let best = 1;
  for (let slice = 2; slice <= count; slice++) if (score(host, slice) > score(host, best)) best = slice;
  return best;
}

/** The hosts of one slice, in the order given. */
export function hostsInSlice(hosts: readonly string[], slice: Slice): string[] {
  return hosts.filter((host) => sliceOfHost(host, slice.count) === slice.index);
}

/** An inventory that holds only the slice's hosts: groups, hostvars and patterns see no other host (as in an AWX slice job). */
export class SlicedInventory implements Inventory {
  private readonly members: Set<string>;
  /** Every host of the whole inventory, looked up once: patterns and hostvars ask for each host. */
  private readonly wholeHosts: Set<string>;

  constructor(
    private readonly whole: Inventory,
    members: readonly string[],
    readonly slice: Slice,
  ) {
    this.members = new Set(members);
    this.wholeHosts = new Set(whole.hostNames());
  }

  get warnings(): readonly string[] {
    return this.whole.warnings;
  }

  hostNames(): string[] {
    return this.whole.hostNames().filter((host) => this.members.has(host));
  }

  groupNames(): string[] {
    return this.whole.groupNames();
  }

  unmatched(pattern: string): string[] {
    return this.whole.unmatched(pattern);
  }

  groupsOf(host: string): string[] {
    return this.members.has(host) ? this.whole.groupsOf(host) : [];
  }

  hostsOf(group: string): string[] {
    return this.whole.hostsOf(group).filter((host) => this.members.has(host));
  }

  hostVars(host: string): Record<string, unknown> {
    return this.isOutside(host) ? {} : this.whole.hostVars(host);
  }

  get revision(): number {
    return this.whole.revision;
  }

  /** A host add_host brings in belongs to the run that added it. */
  addHost(name: string, groups: readonly string[], vars: Record<string, unknown>): boolean {
    this.members.add(name);
    this.wholeHosts.add(name);
    return this.whole.addHost(name, groups, vars);
  }

  addToGroup(host: string, group: string, parents: readonly string[]): boolean {
    return this.whole.addToGroup(host, group, parents);
  }

  /** The slice keeps its hosts: one the sources bring in anew belongs to no run of this slicing. */
  async refresh(): Promise<void> {
    await this.whole.refresh();
    for (const host of this.whole.hostNames()) this.wholeHosts.add(host);
  }

  /** The implicit localhost is in no slice: a play on localhost runs in every slice, as in AWX. */
  select(pattern: string): string[] {
    return this.whole.select(pattern).filter((host) => !this.isOutside(host));
  }

  /** Why a host of the whole inventory is not here, for the message of a play that reaches for it. */
  outsideReason(host: string): string | undefined {
    if (!this.isOutside(host)) return undefined;
    const { index, count } = this.slice;
    return `host '${host}' is in slice ${sliceOfHost(host, count)}/${count}, not in this run's slice ${index}/${count} (--slice): a sliced run sees only its own hosts`;
  }

  private isOutside(host: string): boolean {
    return !this.members.has(host) && this.wholeHosts.has(host);
  }
}

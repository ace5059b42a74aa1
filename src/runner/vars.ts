import { controllerPython } from '../python/controller-python.js';
import { createTemplar, leaveUntemplated, OMIT, stripUnsafe } from '../template/templar.js';
import { noteUnsafeRead } from '../template/scope.js';
import { isUnsafe } from '../template/unsafe.js';
import { StrictUndefined } from '../template/undefined.js';
import type { Role, TaskNode } from '../playbook/types.js';
import { taskSearchPath } from '../playbook/search-path.js';
import type { HostState, PlayRun, Scope } from './state.js';

const VERSION = { full: '2.14.0', major: 2, minor: 14, revision: 0, string: '2.14.0 (betif-play)' };

/** Facts as Ansible exposes them: under ansible_facts, and as ansible_NAME (or their own name, for a module's named facts). */
function factVars(host: HostState): Record<string, unknown> {
  const out: Record<string, unknown> = { ansible_facts: host.facts };
  for (const [key, value] of Object.entries(host.facts)) out[host.ownNamedFacts.has(key) || key.startsWith('ansible_') ? key : `ansible_${key}`] = value;
  return out;
}

function mappingOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Another host's values are rendered with that host's own variables, when read. An unsafe value makes the template
 * reading it unsafe, as it would reading the variable itself.
 */
function renderedWhenTemplate(templar: ReturnType<typeof createTemplar>, value: unknown): unknown {
  const rendered = typeof value === 'string' && (value.includes('{{') || value.includes('{%')) ? templar.renderKeepingUnsafe(value) : value;
  const plain = stripUnsafe(rendered);
  if (plain !== rendered || isUnsafe(rendered)) noteUnsafeRead();
  return plain;
}

/**
 * The host's inventory variables as the inventory has them now: group_by and add_host change the groups and the
 * variables during the run (a new group's group_vars file included), so they are read again after a change.
 */
function inventoryVarsOf(run: PlayRun['run'], host: HostState): Record<string, unknown> {
  const { inventory } = run;
  if (host.inventoryRevision !== inventory.revision) {
    if (inventory.hostNames().includes(host.name)) host.inventoryVars = inventory.hostVars(host.name);
    host.inventoryRevision = inventory.revision;
  }
  return host.inventoryVars;
}

/** What `hostvars[NAME]` shows: another host's inventory variables, facts and set_fact values. */
function hostvarsView(playRun: PlayRun): Record<string, unknown> {
  const { run } = playRun;
  const known = (name: string) => run.hosts.has(name) || run.inventory.hostNames().includes(name);
  // A host left out by --slice is "there" as an undefined value, so that using it names the slice.
  const present = (name: string) => known(name) || run.inventory.outsideReason?.(name) !== undefined;
  return leaveUntemplated(new Proxy({} as Record<string, unknown>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      const host = run.hosts.get(name);
      if (!host && !run.inventory.hostNames().includes(name)) {
        const outside = run.inventory.outsideReason?.(name);
        return outside === undefined ? undefined : new StrictUndefined(outside, name);
      }
      // As Ansible's hostvars: the host's own magic variables too.
      const magic = { inventory_hostname: name, inventory_hostname_short: name.split('.')[0], group_names: run.inventory.groupsOf(name).filter((group) => group !== 'all').sort() };
      const own: Record<string, unknown> = host
        ? { ...inventoryVarsOf(run, host), ...factVars(host), ...host.includedVars, ...host.hostVars, ...run.options.extraVars, ...magic }
        : { ...run.inventory.hostVars(name), ...run.options.extraVars, ...magic };
      const templar = createTemplar(own);
      return leaveUntemplated(
        new Proxy(own, {
          get: (target, key) => (typeof key === 'string' ? renderedWhenTemplate(templar, target[key]) : undefined),
        }),
      );
    },
    has: (_target, name) => typeof name === 'string' && present(name),
    ownKeys: () => [...new Set([...run.inventory.hostNames(), ...run.hosts.keys()])],
    getOwnPropertyDescriptor: (_target, name) => (typeof name === 'string' && present(name) ? { enumerable: known(name), configurable: true } : undefined),
  }));
}

/** The play's hosts in inventory order, worked out once per play: every task of every host reads them. */
const inventoryOrders = new WeakMap<PlayRun, string[]>();

function inInventoryOrder(playRun: PlayRun): string[] {
  let hosts = inventoryOrders.get(playRun);
  if (hosts === undefined) {
    const position = new Map(playRun.run.inventory.hostNames().map((name, index) => [name, index]));
    const at = (name: string) => position.get(name) ?? -1;
    hosts = [...playRun.playHosts].sort((a, b) => at(a) - at(b));
    inventoryOrders.set(playRun, hosts);
  }
  return hosts;
}

/**
 * `groups`, made once per inventory and shared by every task, as Ansible's inventory caches it: built per task, a
 * run's garbage grew with the square of its hosts.
 */
const groupsViews = new WeakMap<object, { revision: number; view: Record<string, string[]> }>();

function groupsView(playRun: PlayRun): Record<string, string[]> {
  const { inventory } = playRun.run;
  let cached = groupsViews.get(inventory);
  if (cached === undefined || cached.revision !== inventory.revision) {
    const view = Object.fromEntries(['all', ...inventory.groupNames().filter((name) => name !== 'all')].map((group) => [group, inventory.hostsOf(group)]));
    cached = { revision: inventory.revision, view };
    groupsViews.set(inventory, cached);
  }
  return cached.view;
}

/** Whether `names` lists exactly the candidates that pass, in their order: checked without building a list. */
function listsExactly<T>(candidates: readonly T[], passes: (candidate: T) => boolean, nameOf: (candidate: T) => string, names: readonly string[]): boolean {
  let index = 0;
  for (const candidate of candidates) {
    if (!passes(candidate)) continue;
    if (names[index] !== nameOf(candidate)) return false;
    index += 1;
  }
  return index === names.length;
}

interface PlayHostLists {
  batch: readonly HostState[];
  /** ansible_play_hosts: the play's hosts that have not failed, in inventory order. */
  active: string[];
  /** play_hosts and ansible_play_batch: the batch's hosts that have not failed, in the play's order. */
  batchActive: string[];
}

/**
 * The play's host lists, made again only when a host failed or recovered or a new batch started: every task of
 * every host reads them, and a list per task made a run's garbage grow with the square of its hosts.
 */
const playHostLists = new WeakMap<PlayRun, PlayHostLists>();

function hostListsOf(playRun: PlayRun): PlayHostLists {
  const { run } = playRun;
  const going = (state: HostState | undefined) => state !== undefined && !state.failed && !state.unreachable;
  const activeName = (name: string) => going(run.hosts.get(name));
  const all = inInventoryOrder(playRun);
  let lists = playHostLists.get(playRun);
  if (lists === undefined || !listsExactly(all, activeName, (name) => name, lists.active)) {
    lists = { batch: lists?.batch ?? [], batchActive: lists?.batchActive ?? [], active: all.filter(activeName) };
    playHostLists.set(playRun, lists);
  }
  if (lists.batch !== playRun.batch || !listsExactly(playRun.batch, going, (state) => state.name, lists.batchActive)) {
    lists.batch = playRun.batch;
    lists.batchActive = playRun.batch.filter(going).map((state) => state.name);
  }
  return lists;
}

/**
 * A role's defaults, vars and parameters as its tasks see them: those of the roles that brought it in (its
 * dependency chain, outermost first) below its own, as Ansible's Role.get_default_vars/get_vars/get_role_params.
 */
/** Ansible's Role.get_all_dependencies: each dependency's own dependencies, then the dependency. */
function allDependencies(role: Role): Role[] {
  return (role.dependencies ?? []).flatMap((dependency) => [...allDependencies(dependency), dependency]);
}

export function roleLayers(role: Role | undefined): { defaults: Record<string, unknown>; vars: Record<string, unknown>; params: Record<string, unknown> } {
  const chain = role ? [...(role.parents ?? []), role] : [];
  // As Ansible's Role.get_vars: the vars of the roles that brought this one in, then of its own dependencies, then its own.
  const dependencies = role ? allDependencies(role) : [];
  return {
    defaults: Object.assign({}, ...chain.map((link) => link.defaults)),
    vars: Object.assign({}, ...chain.slice(0, -1).map(roleVars), ...dependencies.map((dependency) => dependency.vars), ...chain.slice(-1).map(roleVars)),
    params: Object.assign({}, ...chain.map((link) => link.params)),
  };
}

/** A role's variables: the `vars:` it was used with, below its vars/main.yml. */
export function roleVars(role: Role): Record<string, unknown> {
  return { ...role.entryVars, ...role.vars };
}

/**
 * A host's variables for one task, lowest precedence first, as Ansible orders them: role defaults, inventory
 * (group then host vars), facts, play vars, vars_files, role vars, block vars, task vars, include_vars, set_fact/register,
 * role and include params, extra vars; then the magic variables.
 */
export function taskVars(playRun: PlayRun, host: HostState, scope: Scope, node?: TaskNode): Record<string, unknown> {
  const { play, run } = playRun;
  const ownRole = scope.role ?? node?.role;
  const vars: Record<string, unknown> = {};
  const own = roleLayers(ownRole);
  for (const role of play.roles) Object.assign(vars, role.defaults);
  Object.assign(vars, own.defaults);
  Object.assign(vars, inventoryVarsOf(run, host), factVars(host), play.vars, playRun.varsFiles);
  for (const role of play.roles) Object.assign(vars, roleVars(role));
  Object.assign(vars, own.vars);
  for (const block of scope.blocks) Object.assign(vars, mappingOf(block.vars));
  if (node) Object.assign(vars, mappingOf(node.keywords.vars));
  Object.assign(vars, host.includedVars, host.hostVars, host.failureVars, own.params, scope.includeParams, run.options.extraVars);
  // As Ansible's, the batch leaves out the hosts that failed (or became unreachable) in this play.
  const hostLists = hostListsOf(playRun);
  Object.assign(vars, {
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: run.inventory.groupsOf(host.name).filter((group) => group !== 'all').sort(),
    groups: groupsView(playRun),
    hostvars: hostvarsView(playRun),
    play_hosts: hostLists.batchActive,
    // Only the batch follows the play's `order`; the play's host lists keep the inventory's.
    ansible_play_hosts: hostLists.active,
    ansible_play_hosts_all: inInventoryOrder(playRun),
    ansible_play_batch: hostLists.batchActive,
    ansible_play_name: play.name,
    playbook_dir: run.playbookDir,
    ansible_check_mode: run.options.check,
    ansible_diff_mode: run.options.diff,
    ansible_verbosity: run.options.verbosity,
    ansible_run_tags: run.options.tags.length ? run.options.tags : ['all'],
    ansible_skip_tags: run.options.skipTags,
    ansible_version: VERSION,
    ansible_playbook_python: controllerPython(),
    omit: OMIT,
  });
  if (ownRole) Object.assign(vars, { role_name: ownRole.name, role_path: ownRole.path, ansible_role_name: ownRole.name });
  // As Task.get_search_path: the role's folder and those of the roles that depend on it, then the task file's folder.
  if (node) vars.ansible_search_path = taskSearchPath(ownRole, node.baseDir, node.baseDir);
  return vars;
}

import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { withModules, type ModuleRegistry } from '../modules/registry.js';
import { roleSearchPath } from '../playbook/roles.js';
import { loadYamlFile, PlaybookError } from '../playbook/source.js';
import pLimit from 'p-limit';
import type { ActionTask, Play, TaskNode } from '../playbook/types.js';
import { createTemplar, markUnsafe, OMIT } from '../template/templar.js';
import { keywordBool } from './keywords.js';
import { LinearStrategy } from './nodes.js';
import { PlayHandlers } from './play-handlers.js';
import { serialBatches } from './serial.js';
import { promptedVars } from './vars-prompt.js';
import { newHostState, type HostState, type PlayRun, type RunContext, type Scope } from './state.js';

/** The hosts a play targets: its `hosts` pattern, narrowed by --limit. */
export function playHosts(run: RunContext, play: Play): string[] {
  const pattern = playPattern(run, play);
  const selected = run.inventory.select(pattern);
  const allowed = run.options.limit ? new Set(run.inventory.select(run.options.limit)) : undefined;
  return inOrder(allowed ? selected.filter((host) => allowed.has(host)) : selected, play.keywords.order);
}

/** The play's host pattern, its templates rendered with the play's vars and the extra vars. */
function playPattern(run: RunContext, play: Play): string {
  return String(createTemplar({ ...play.vars, ...run.options.extraVars }).render(play.hosts));
}

/** The play's `order`: the inventory's, reversed, by name, or shuffled. */
function inOrder(hosts: string[], order: unknown): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse();
    case 'sorted':
      return [...hosts].sort();
    case 'reverse_sorted':
      return [...hosts].sort().reverse();
    case 'shuffle':
      return shuffled(hosts);
    default:
      return hosts;
  }
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let index = out.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [out[index], out[other]] = [out[other], out[index]];
  }
  return out;
}

function loadVarsFiles(run: RunContext, play: Play): Record<string, unknown> {
  const templar = createTemplar({ ...play.vars, ...run.options.extraVars });
  const vars: Record<string, unknown> = {};
  for (const entry of play.varsFiles) {
    const candidates = (Array.isArray(entry) ? entry : [entry]).map((written) => String(templar.render(written))).map((name) => (isAbsolute(name) ? name : join(play.baseDir, name)));
    const path = candidates.find((candidate) => existsSync(candidate)) ?? candidates[0];
    const data = loadYamlFile(path);
    // As Ansible's preprocess_vars: a mapping, or a list of mappings merged in order.
    const mappings = data === null ? [] : Array.isArray(data) ? data : [data];
    for (const mapping of mappings) {
      if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
        throw new PlaybookError(`vars file ${path}: variable files must contain either a dictionary of variables, or a list of dictionaries`);
      }
      Object.assign(vars, mapping);
    }
  }
  return vars;
}

/** Ansible's implicit setup task: the play's gather_subset, gather_timeout and fact_path (ansible.cfg's by default) as its arguments. */
function gatherFactsTask(run: RunContext, play: Play, registry: ModuleRegistry): ActionTask {
  const module = registry.find('setup');
  if (!module) throw new Error('the setup module is missing');
  const args: Record<string, unknown> = { ...run.options.gatherDefaults };
  for (const option of ['gather_subset', 'gather_timeout', 'fact_path']) {
    if (play.keywords[option] !== undefined && play.keywords[option] !== null) args[option] = play.keywords[option];
  }
  return { kind: 'action', action: 'gather_facts', module, args, position: play.position, keywords: {}, tags: ['always'], inheritedWhen: play.importWhen, baseDir: play.baseDir };
}

/** ansible.cfg's gathering: implicit gathers unless the play says no, explicit only when it says yes, smart once per host. */
function hostsToGather(run: RunContext, play: Play, batch: HostState[]): HostState[] {
  const { gathering } = run.options;
  const wanted = play.keywords.gather_facts === undefined ? gathering !== 'explicit' : keywordBool(play.keywords.gather_facts);
  if (!wanted) return [];
  return gathering === 'smart' ? batch.filter((host) => Object.keys(host.facts).length === 0) : batch;
}

/** `serial`, rendered with the play's and the extra variables as Ansible renders play keywords (omit: no batches). */
function playSerial(run: RunContext, play: Play): unknown {
  const serial = play.keywords.serial;
  if (serial === undefined) return undefined;
  const rendered = createTemplar({ ...play.vars, ...run.options.extraVars }).render(serial);
  return rendered === OMIT ? undefined : rendered;
}

function hostState(run: RunContext, name: string): HostState {
  let state = run.hosts.get(name);
  if (!state) {
    state = newHostState(name, run.inventory.hostVars(name));
    Object.assign(state.facts, markUnsafe(run.options.factCache?.load(name) ?? {}));
    run.hosts.set(name, state);
  }
  return state;
}

/**
 * Runs one play: its hosts in serial batches; per batch facts, pre_tasks, roles and tasks, post_tasks, with handlers
 * after each. Returns whether the plays after it must not run, as ansible-playbook breaks off the playbook.
 */
export async function runPlay(run: RunContext, written: Play, registry: ModuleRegistry): Promise<boolean> {
  const play: Play = written.keywords.vars_prompt ? { ...written, vars: { ...written.vars, ...(await promptedVars(run, written)) } } : written;
  // As Ansible's, when the play starts: hosts that add_host or group_by made in an earlier play count.
  for (const part of run.inventory.unmatched(playPattern(run, play))) run.reporter.unmatchedPattern?.(part);
  run.reporter.playStart(play.name);
  const names = playHosts(run, play);
  const eligible = names.map((name) => hostState(run, name)).filter((host) => !host.failed && !host.unreachable);
  if (eligible.length === 0) {
    run.reporter.noHosts('skipping: no hosts matched');
    return false;
  }
  const playRun: PlayRun = { run, play, varsFiles: loadVarsFiles(run, play), handlers: new PlayHandlers(play.handlers), playHosts: names, batch: [], aborted: false, breaksPlaybook: false };
  const strategy = new LinearStrategy(playRun, registry, roleSearchPath(play.baseDir));
  const scope: Scope = { blocks: [], includeParams: {}, frames: [], isHandler: false, appliedTags: [] };
  const strategyName = play.keywords.strategy ?? run.options.strategy;
  const hostsRunFreely = strategyName === 'free' || strategyName === 'host_pinned';
  for (const [index, batch] of serialBatches(eligible, playSerial(run, play)).entries()) {
    // Like Ansible, each serial batch starts with the play's banner.
    if (index > 0) run.reporter.playStart(play.name);
    playRun.batch = batch;
    for (const host of batch) {
      host.ended = false;
      host.position = undefined;
    }
    const gatherers = hostsToGather(run, play, batch);
    if (gatherers.length > 0) await strategy.runAction(await withModules(registry, () => gatherFactsTask(run, play, registry)), gatherers, scope, 'Gathering Facts');
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      if (hostsRunFreely) await runFreely(strategy, section, batch, scope, run.options.forks);
      else await strategy.runNodes(section, batch, scope);
      await strategy.flushHandlers();
      if (playRun.aborted) break;
    }
    if (batch.every((host) => host.failed || host.unreachable)) playRun.breaksPlaybook = true;
    if (playRun.aborted || playRun.breaksPlaybook) break;
  }
  return playRun.breaksPlaybook;
}

/** strategy free / host_pinned: each host goes through the tasks at its own pace, `forks` hosts at a time. */
async function runFreely(strategy: LinearStrategy, nodes: readonly TaskNode[], hosts: readonly HostState[], scope: Scope, forks: number): Promise<void> {
  const limit = pLimit(Math.max(1, forks));
  await Promise.all(hosts.map((host) => limit(() => strategy.runNodes(nodes, [host], scope))));
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPort, startLab, type Lab } from '../../helpers/lab.js';
import type { CompatCase } from './case.js';
import { compareRuns, unmetExpectations, type Disagreement, type RunOutcome } from './compare.js';
import { resetHosts, snapshotHosts, type FileSnapshot, type HostRoot } from './host-files.js';
import { normalizeOutput, parseOutput } from './output.js';
import { ansibleCoreVersion, loadReference, referenceKey, writeReference } from './reference.js';
import { runTool, type Tool, type ToolSettings } from './tools.js';
import { connectionLines, prepareWorkspace, writeAnsibleConfig } from './workspace.js';

export type Verdict = 'agree' | 'differ' | 'DISAGREE' | 'BROKEN';

export interface CaseResult {
  compatCase: CompatCase;
  ansible: RunOutcome[];
  betif: RunOutcome[];
  /** Differences not declared in `differs:`: the suite fails on these. */
  disagreements: Disagreement[];
  /** Differences in the facets the case declares (a declared difference may also lie in messages no facet compares). */
  declared: Disagreement[];
  /** Unmet `expect:` (on Ansible's run: the case itself is wrong) or `differs.expect:` (on betif-play's). */
  unmet: string[];
  verdict: Verdict;
  ansibleSource: AnsibleSource;
}

export interface Suite {
  /** Runs both tools side by side, or with `useReference` betif-play against ansible-playbook's recorded outcome when it is current. */
  run(compatCase: CompatCase, options?: { useReference?: boolean }): Promise<CaseResult>;
  /** Runs ansible-playbook alone and writes its outcome as the case's reference, unless it misses the case's `expect:` (returned). */
  record(compatCase: CompatCase): Promise<string[]>;
  /** Whether the case has a reference recorded for its current files, the harness's normalization and this ansible-core. */
  hasReference(compatCase: CompatCase): Promise<boolean>;
  close(): Promise<void>;
}

const HOSTS_PER_TOOL = 3;
const BASE_PORT = labPort(2800);
const TOOLS: Tool[] = ['ansible', 'betif'];
/** betif-play's hosts come first in the lab: ansible-playbook's are started only when a case runs it live. */
const LAB_ORDER: Tool[] = ['betif', 'ansible'];
/** Cases run at once, each on its own lane of hosts (COMPAT_LANES): most of a case is waiting on ansible-playbook. */
export const LANES = Math.max(1, Number(process.env.COMPAT_LANES ?? 3));

/** Where one tool runs: its own lab hosts, named h1..h3 in its inventory. */
interface ToolHosts {
  hosts: HostRoot[];
  /** The lab port of each host, in the same order. */
  ports: number[];
  connections: string[];
}

/** How ansible-playbook's side of a case was had: recorded in test/compat/reference/, or run live. */
export type AnsibleSource = 'recorded' | 'live';

/** The folders that hold this machine's lab: replaced in outcomes by placeholders (see normalizeOutput). */
interface LabFolders {
  scratch: string;
  lab: string;
  controlPath: string;
}

async function runCase(compatCase: CompatCase, tool: Tool, where: ToolHosts, workspace: string, settings: ToolSettings, folders: LabFolders): Promise<RunOutcome[]> {
  const { spec } = compatCase;
  const used = where.hosts.slice(0, spec.hosts);
  // The case's own folder is `<case>` too: a symbolic link copied as a link points into it.
  const placeholders: [string, string][] = [[workspace, '<case>'], [compatCase.dir, '<case>'], [folders.scratch, '<scratch>'], [folders.lab, '<lab>'], [folders.controlPath, '<control>']];
  const ports = where.ports.map((port, index): [number, string] => [port, `h${index + 1}`]);
  const normalize = (text: string) => normalizeOutput(text, placeholders, ports);
  resetHosts(used, spec.paths, spec.setup);
  const outcomes: RunOutcome[] = [];
  for (const args of spec.runs) {
    const started = performance.now();
    const output = await runTool(tool, workspace, args, spec.env, settings);
    const seconds = (performance.now() - started) / 1000;
    const stdout = normalize(output.stdout);
    const files: FileSnapshot = new Map([...snapshotHosts(used, spec.paths)].map(([key, value]) => [key, normalize(value)]));
    outcomes.push({ args, code: output.code, stdout, stderr: normalize(output.stderr), seconds, parsed: parseOutput(stdout, '<case>'), files });
  }
  return outcomes;
}

function judge(compatCase: CompatCase, ansible: RunOutcome[], betif: RunOutcome[], ansibleSource: AnsibleSource): CaseResult {
  const { differs, expect } = compatCase.spec;
  const all = ansible.flatMap((outcome, run) => compareRuns(run, outcome, betif[run]));
  const declared = all.filter((each) => differs?.facets.includes(each.facet));
  const disagreements = all.filter((each) => !differs?.facets.includes(each.facet));
  const caseUnmet = unmetExpectations(ansible.at(-1) as RunOutcome, expect).map((text) => `ansible-playbook: ${text}`);
  const betifUnmet = differs ? unmetExpectations(betif.at(-1) as RunOutcome, differs.expect).map((text) => `betif-play: ${text}`) : [];
  const verdict: Verdict = caseUnmet.length > 0 ? 'BROKEN' : disagreements.length > 0 || betifUnmet.length > 0 ? 'DISAGREE' : differs ? 'differ' : 'agree';
  return { compatCase, ansible, betif, disagreements, declared, unmet: [...caseUnmet, ...betifUnmet], verdict, ansibleSource };
}

type Lane = Record<Tool, ToolHosts>;

/** A tool's three hosts in a lane: the lab holds betif-play's hosts of every lane (h1-h3 lane 1, h4-h6 lane 2 ...), then ansible-playbook's. */
function hostsOf(lab: Lab, inventory: string, tool: Tool, lane: number): ToolHosts {
  const first = (LAB_ORDER.indexOf(tool) * LANES + lane) * HOSTS_PER_TOOL;
  const own = lab.hosts.slice(first, first + HOSTS_PER_TOOL);
  const hosts = own.map((host, position) => ({ name: `h${position + 1}`, root: host.root }));
  return { hosts, ports: own.map((host) => host.port), connections: connectionLines(inventory, own.map((host) => host.name)) };
}

/** Things handed out one user at a time; a user that finds none free waits for the next one released. */
function pool<T>(free: T[]): { acquire(): Promise<T>; release(item: T): void } {
  const waiting: ((item: T) => void)[] = [];
  return {
    acquire: () => {
      if (free.length > 0) return Promise.resolve(free.pop() as T);
      return new Promise((resolve) => waiting.push(resolve));
    },
    release: (item) => {
      const next = waiting.shift();
      if (next) next(item);
      else free.push(item);
    },
  };
}

/**
 * One lab of SSH test hosts for the whole suite, in LANES lanes: in each, three hosts for betif-play and three
 * for ansible-playbook (each named h1-h3 in its tool's inventory), so that both tools run a case at the same time
 * from the same starting state, and LANES cases run at once. ansible-playbook's hosts are started the first time
 * a case runs it live or records it: with every reference current, the suite starts only betif-play's hosts.
 */
export async function openSuite(): Promise<Suite> {
  const scratch = mkdtempSync(join(tmpdir(), 'betif-compat-'));
  const labOptions = { basePort: BASE_PORT, dir: join(tmpdir(), 'betif-compat-lab') };
  const betifLab: Lab = await startLab(HOSTS_PER_TOOL * LANES, labOptions);
  const betifInventory = readFileSync(betifLab.inventoryPath, 'utf8');
  const betifHosts = Array.from({ length: LANES }, (_, lane) => hostsOf(betifLab, betifInventory, 'betif', lane));
  // The same lab grown by ansible-playbook's hosts (up.sh leaves the running ones alone).
  let wholeLab: Promise<{ lab: Lab; ansibleHosts: ToolHosts[] }> | undefined;
  const withAnsibleHosts = () =>
    (wholeLab ??= startLab(HOSTS_PER_TOOL * TOOLS.length * LANES, labOptions).then((lab) => {
      const inventory = readFileSync(lab.inventoryPath, 'utf8');
      return { lab, ansibleHosts: Array.from({ length: LANES }, (_, lane) => hostsOf(lab, inventory, 'ansible', lane)) };
    }));
  const lanes = pool(Array.from({ length: LANES }, (_, lane) => lane));
  const places = pool<ToolHosts | number>([...betifHosts, ...Array.from({ length: LANES }, (_, lane) => lane)]);
  const laneOf = async (lane: number): Promise<Lane> => ({ betif: betifHosts[lane], ansible: (await withAnsibleHosts()).ansibleHosts[lane] });
  // Short: ssh control sockets must fit in 108 bytes.
  const controlPathDir = mkdtempSync('/tmp/bcp-');
  const settings: ToolSettings = {
    ansibleConfig: writeAnsibleConfig(scratch, betifLab.knownHostsPath, controlPathDir),
    knownHostsPath: betifLab.knownHostsPath,
  };
  const folders: LabFolders = { scratch, lab: betifLab.dir, controlPath: controlPathDir };
  const ansibleCore = ansibleCoreVersion();
  const runSide = (compatCase: CompatCase, tool: Tool, where: ToolHosts) => {
    const workspace = prepareWorkspace(compatCase, where.connections, join(scratch, tool, compatCase.name));
    return runCase(compatCase, tool, where, workspace, settings, folders);
  };
  const inLane = async <T>(work: (lane: number) => Promise<T>): Promise<T> => {
    const lane = await lanes.acquire();
    try {
      return await work(lane);
    } finally {
      lanes.release(lane);
    }
  };
  return {
    async run(compatCase, options = {}) {
      const recorded = options.useReference ? loadReference(compatCase, referenceKey(compatCase, await ansibleCore)) : undefined;
      return inLane(async (lane) => {
        if (recorded) return judge(compatCase, recorded, await runSide(compatCase, 'betif', betifHosts[lane]), 'recorded');
        const hosts = await laneOf(lane);
        const [ansible, betif] = await Promise.all(TOOLS.map((tool) => runSide(compatCase, tool, hosts[tool])));
        return judge(compatCase, ansible, betif, 'live');
      });
    },
    async record(compatCase) {
      // Only ansible-playbook runs: the hosts of both tools of every lane serve as places to record in.
      const place = await places.acquire();
      try {
        const where = typeof place === 'number' ? (await laneOf(place)).ansible : place;
        const outcomes = await runSide(compatCase, 'ansible', where);
        const unmet = unmetExpectations(outcomes.at(-1) as RunOutcome, compatCase.spec.expect);
        if (unmet.length === 0) writeReference(compatCase, referenceKey(compatCase, await ansibleCore), outcomes);
        return unmet;
      } finally {
        places.release(place);
      }
    },
    async hasReference(compatCase) {
      return loadReference(compatCase, referenceKey(compatCase, await ansibleCore)) !== undefined;
    },
    async close() {
      // Either stops every host in the lab's folder (ansible-playbook's too); the grown lab also frees their ports.
      const whole = await wholeLab?.catch(() => undefined);
      await (whole?.lab ?? betifLab).stop();
      rmSync(scratch, { recursive: true, force: true });
      rmSync(controlPathDir, { recursive: true, force: true });
    },
  };
}

/** A readable account of what went wrong in a case, for a failing test or the report. */
export function explain(result: CaseResult): string {
  const parts = [...result.unmet];
  for (const each of result.disagreements) parts.push(`${each.facet} (run ${each.run + 1}) — ansible (-) vs betif-play (+):\n${each.detail}`);
  if (result.verdict !== 'agree') {
    // The outputs of the first run that disagrees (the last run when only expectations are unmet).
    const run = result.disagreements[0]?.run ?? result.ansible.length - 1;
    const shown = (outcomes: RunOutcome[]) => outcomes[run] ?? (outcomes.at(-1) as RunOutcome);
    parts.push(`--- ansible-playbook output (run ${run + 1}):\n${shown(result.ansible).stdout}${shown(result.ansible).stderr}`);
    parts.push(`--- betif-play output (run ${run + 1}):\n${shown(result.betif).stdout}${shown(result.betif).stderr}`);
  }
  return parts.join('\n\n');
}

import { preloadScript } from '../connection/driver.js';
import { shellScript } from '../connection/quote.js';
import type { Connection } from '../connection/types.js';
import { cmdlineFacts } from './cmdline.js';
import { cpuFacts } from './cpu.js';
import { dateTimeFacts } from './date-time.js';
import { distributionFacts } from './distribution.js';
import { gpuFacts } from './gpu.js';
import { identityFacts } from './identity.js';
import { localFacts } from './local.js';
import { packageManager, serviceManager } from './managers.js';
import { memoryFacts } from './memory.js';
import { networkFacts } from './network.js';
import { chosenInterpreter } from '../ansible-modules/remote.js';
import { pythonFacts, pythonVersionFact } from './python.js';
import { FACTS_SCRIPT, firstLine, parseFactOutput, type FactInputs, type InputPart } from './script.js';
import { selinuxFacts } from './selinux.js';
import { selectCollectors } from './subsets.js';
import { environment, userFacts } from './user.js';
import { virtualizationFacts } from './virtualization.js';

export interface GatherRequest {
  /** gather_subset entries (default all). */
  gatherSubset?: readonly string[];
  /** Where local *.fact files are read from (default /etc/ansible/facts.d). */
  factPath?: string;
  /** ansible_python_interpreter (the python facts describe it; unset or auto: Ansible's discovery). */
  pythonInterpreter?: unknown;
}

export interface GatheredFacts {
  /** Ansible's ansible_facts, keys without the ansible_ prefix. */
  facts: Record<string, unknown>;
  /** Warnings Ansible would print (local facts that could not be read). */
  warnings: string[];
}

export const DEFAULT_FACT_PATH = '/etc/ansible/facts.d';

/** A collector's facts from the script's output and the facts found before it; warnings go to `warnings`. */
type Collect = (inputs: FactInputs, facts: Record<string, unknown>, warnings: string[]) => Record<string, unknown>;

interface Collector {
  /** What the facts script reads for it (script.ts). */
  parts: InputPart[];
  collect: Collect;
}

/** Ansible's collectors in the order they run (later ones read what earlier ones found). */
const COLLECTORS: [string, Collector][] = [
  ['platform', { parts: ['platform', 'python'], collect: (inputs) => ({ ...identityFacts(inputs), ...pythonVersionFact(inputs) }) }],
  ['distribution', { parts: ['distribution'], collect: (inputs) => distributionFacts(inputs) }],
  ['selinux', { parts: ['selinux'], collect: (inputs) => ({ selinux: selinuxFacts(inputs) }) }],
  ['pkg_mgr', { parts: ['distribution', 'exists'], collect: (inputs) => ({ pkg_mgr: packageManager(inputs, distributionFacts(inputs)) }) }],
  ['service_mgr', { parts: ['init', 'exists'], collect: (inputs) => ({ service_mgr: serviceManager(inputs) }) }],
  ['cmdline', { parts: ['cmdline'], collect: (inputs) => cmdlineFacts(inputs) }],
  ['python', { parts: ['python'], collect: (inputs) => pythonFacts(inputs) }],
  ['fips', { parts: ['fips'], collect: (inputs) => ({ fips: firstLine(inputs, '/proc/sys/crypto/fips_enabled') === '1' }) }],
  ['date_time', { parts: ['date'], collect: (inputs) => ({ date_time: dateTimeFacts(inputs) }) }],
  ['user', { parts: ['user', 'environ'], collect: (inputs) => userFacts(inputs) }],
  ['env', { parts: ['environ'], collect: (inputs) => ({ env: environment(inputs) }) }],
  ['virtual', { parts: ['virtual', 'cpuinfo', 'exists'], collect: (inputs) => virtualizationFacts(inputs) }],
  ['hardware', { parts: ['hardware', 'cpuinfo'], collect: (inputs, facts) => ({ ...cpuFacts(inputs, String(facts.architecture)), ...memoryFacts(inputs), ...gpuFacts(inputs) }) }],
  ['network', { parts: ['network'], collect: (inputs) => networkFacts(inputs) }],
  ['local', { parts: ['local'], collect: (inputs, _facts, warnings) => {
    const { local, warnings: found } = localFacts(inputs.sections.get('local') ?? []);
    warnings.push(...found);
    return { local };
  } }],
];

preloadScript(FACTS_SCRIPT);

/** The words of the script's $2 for these collectors, or '' when none of them reads the host. */
function wantedParts(collectors: ReadonlySet<string>): string {
  const parts = new Set(COLLECTORS.filter(([name]) => collectors.has(name)).flatMap(([, collector]) => collector.parts));
  return [...parts].join(' ');
}

/** Ansible's ansible_facts (keys without the ansible_ prefix) for gather_subset, from one command on the host. */
export async function gatherFacts(conn: Connection, request: GatherRequest = {}): Promise<GatheredFacts> {
  const gatherSubset = request.gatherSubset ?? ['all'];
  const collectors = selectCollectors(gatherSubset);
  const parts = wantedParts(collectors);
  const factPath = collectors.has('local') ? (request.factPath ?? DEFAULT_FACT_PATH) : '';
  const inputs = parts ? await readInputs(conn, parts, factPath, chosenInterpreter(request.pythonInterpreter) ?? '') : await reachOnly(conn);
  const facts: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [name, { collect }] of COLLECTORS) {
    if (collectors.has(name)) Object.assign(facts, collect(inputs, facts, warnings));
  }
  return { facts: { ...facts, gather_subset: [...gatherSubset], module_setup: true }, warnings };
}

async function readInputs(conn: Connection, parts: string, factPath: string, interpreter: string): Promise<FactInputs> {
  const result = await conn.exec(shellScript(FACTS_SCRIPT, [factPath, parts, interpreter]));
  if (!result.stdout.includes('@@betif-facts end')) {
    throw new Error(`gathering facts on ${conn.host} failed (rc=${result.rc}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return parseFactOutput(result.stdout);
}

/**
 * No wanted collector reads the host: one command that starts nothing (the driver runs `true` itself) still
 * finds an unreachable host unreachable, as Ansible's setup module would.
 */
async function reachOnly(conn: Connection): Promise<FactInputs> {
  await conn.exec(['true']);
  return { files: new Map(), sections: new Map() };
}

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
import { pythonFacts, pythonVersionFact } from './python.js';
import { factsScript, firstLine, parseFactOutput, type FactInputs } from './script.js';
import { selinuxFacts } from './selinux.js';
import { selectCollectors } from './subsets.js';
import { userFacts } from './user.js';
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

type Collect = (inputs: FactInputs, facts: Record<string, unknown>) => Record<string, unknown>;

/** Ansible's collectors in the order they run (later ones read what earlier ones found). */
const COLLECTORS: [string, Collect][] = [
  ['platform', (inputs) => ({ ...identityFacts(inputs), ...pythonVersionFact(inputs) })],
  ['distribution', (inputs) => distributionFacts(inputs)],
  ['selinux', (inputs) => ({ selinux: selinuxFacts(inputs) })],
  ['pkg_mgr', (inputs) => ({ pkg_mgr: packageManager(inputs, distributionFacts(inputs)) })],
  ['service_mgr', (inputs) => ({ service_mgr: serviceManager(inputs) })],
  ['cmdline', (inputs) => cmdlineFacts(inputs)],
  ['python', (inputs) => pythonFacts(inputs)],
  ['fips', (inputs) => ({ fips: firstLine(inputs, '/proc/sys/crypto/fips_enabled') === '1' })],
  ['date_time', (inputs) => ({ date_time: dateTimeFacts(inputs) })],
  ['user', (inputs) => withoutEnv(userFacts(inputs))],
  ['env', (inputs) => ({ env: userFacts(inputs).env })],
  ['virtual', (inputs) => virtualizationFacts(inputs)],
  ['hardware', (inputs, facts) => ({ ...cpuFacts(inputs, String(facts.architecture)), ...memoryFacts(inputs), ...gpuFacts(inputs) })],
  ['network', (inputs) => networkFacts(inputs)],
];

/** The user collector's facts; env is the env collector's (both read the same environment). */
function withoutEnv(facts: Record<string, unknown>): Record<string, unknown> {
  const { env: _env, ...rest } = facts;
  return rest;
}

function interpreterWords(interpreter: unknown): string[] {
  if (typeof interpreter !== 'string' || interpreter.trim() === '' || interpreter.startsWith('auto')) return [];
  return interpreter.trim().split(/\s+/);
}

/** Ansible's ansible_facts (keys without the ansible_ prefix) for gather_subset, from one command on the host. */
export async function gatherFacts(conn: Connection, request: GatherRequest = {}): Promise<GatheredFacts> {
  const gatherSubset = request.gatherSubset ?? ['all'];
  const collectors = selectCollectors(gatherSubset);
  const factPath = collectors.has('local') ? (request.factPath ?? DEFAULT_FACT_PATH) : '';
  const result = await conn.exec(shellScript(factsScript(collectors), [factPath, ...interpreterWords(request.pythonInterpreter)]));
  if (!result.stdout.includes('@@betif-facts end')) {
    throw new Error(`gathering facts on ${conn.host} failed (rc=${result.rc}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const inputs = parseFactOutput(result.stdout);
  let facts: Record<string, unknown> = {};
  for (const [name, collect] of COLLECTORS) {
    if (collectors.has(name)) facts = { ...facts, ...collect(inputs, facts) };
  }
  const warnings: string[] = [];
  if (collectors.has('local')) {
    const local = localFacts(inputs.sections.get('local') ?? []);
    facts.local = local.local;
    warnings.push(...local.warnings);
  }
  return { facts: { ...facts, gather_subset: [...gatherSubset], module_setup: true }, warnings };
}

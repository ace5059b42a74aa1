import { shellScript } from '../connection/quote.js';
import type { Connection } from '../connection/types.js';
import { cmdlineFacts } from './cmdline.js';
import { cpuFacts } from './cpu.js';
import { dateTimeFacts } from './date-time.js';
import { distributionFacts } from './distribution.js';
import { gpuFacts } from './gpu.js';
import { identityFacts } from './identity.js';
import { packageManager, serviceManager } from './managers.js';
import { memoryFacts } from './memory.js';
import { networkFacts } from './network.js';
import { FACTS_SCRIPT, parseFactOutput } from './script.js';
import { selinuxFacts } from './selinux.js';
import { userFacts } from './user.js';
import { virtualizationFacts } from './virtualization.js';

/** Ansible's ansible_facts (keys without the ansible_ prefix) from one command on the host. */
export async function gatherFacts(conn: Connection): Promise<Record<string, unknown>> {
  const result = await conn.exec(shellScript(FACTS_SCRIPT));
  if (!result.stdout.includes('@@betif-facts end')) {
    throw new Error(`gathering facts on ${conn.host} failed (rc=${result.rc}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  const inputs = parseFactOutput(result.stdout);
  const identity = identityFacts(inputs);
  const distribution = distributionFacts(inputs);
  return {
    ...identity,
    ...distribution,
    ...cpuFacts(inputs, String(identity.architecture)),
    ...memoryFacts(inputs),
    ...networkFacts(inputs),
    ...virtualizationFacts(inputs),
    ...cmdlineFacts(inputs),
    ...userFacts(inputs),
    ...gpuFacts(inputs),
    date_time: dateTimeFacts(inputs),
    selinux: selinuxFacts(inputs),
    service_mgr: serviceManager(inputs),
    pkg_mgr: packageManager(inputs, distribution),
  };
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Lab } from './lab.js';

/**
 * What `ansible -m setup` answered for lab host h1, recorded once (test/fixtures/facts/record.ts) so that
 * test/integration/facts.test.ts compares against it without running Ansible: only answers that depend on the lab
 * (its /etc, the facts.d files below) and on Ansible, never on the machine's own hardware.
 */
export interface SetupReference {
  /** `ansible --version`'s first line at recording time. */
  ansible: string;
  /** gather_subset value -> the names of the facts Ansible gathered for it (without the ansible_ prefix), sorted. */
  subsets: Record<string, string[]>;
  /** The facts roles test, with gather_subset=!all. */
  roleFacts: Record<string, unknown>;
  /** The task's message for gather_subset=UNKNOWN_SUBSET. */
  unknownSubsetMessage: string;
  /** The fact names (with the ansible_ prefix) that FILTER kept with gather_subset=!all, sorted. */
  filtered: string[];
  /** ansible_local and the warnings for gather_subset=!all,!min,local with LOCAL_FACT_FILES in /etc/ansible/facts.d. */
  local: { facts: unknown; warnings: unknown };
}

export const SUBSETS = ['all', 'min', '!all', '!all,!min', 'network', 'hardware', 'virtual', '!all,!min,pkg_mgr', 'all,!hardware', '!all,!min,distribution_version', 'facter'];
export const ROLE_FACTS = ['pkg_mgr', 'service_mgr', 'selinux', 'distribution_major_version', 'os_family', 'gather_subset', 'module_setup'];
export const UNKNOWN_SUBSET = ['!all', 'bogus'];
export const FILTER = ['ansible_dist*_[mv]*', '*_mgr', 'ansible_os_famil?'];
export const LOCAL_SUBSET = ['!all', '!min', 'local'];

/** facts.d files: INI, JSON, an executable, broken ones, an injection attempt in a name, and a file that is no fact. */
const LOCAL_FACT_FILES: Record<string, { text: string; mode?: number }> = {
  'app.fact': { text: '[general]\nName = Web\nport: 80\nlong = first\n  second\n\n[Other]\nKey=a b \n' },
  'json.fact': { text: '{"a": [1, 2], "b": {"c": null}}' },
  'script.fact': { text: '#!/bin/sh\necho \'{"from": "a script", "args": "\'"$#"\'"}\'\n', mode: 0o755 },
  'failing.fact': { text: '#!/bin/sh\necho oops >&2\nexit 3\n', mode: 0o755 },
  'garbage.fact': { text: 'not json, not ini\n' },
  'empty.fact': { text: '' },
  '$(touch injected).fact': { text: '{"x": 1}' },
  'ignored.txt': { text: '{"x": 1}' },
};

/** Writes LOCAL_FACT_FILES into a host's /etc/ansible/facts.d; returns what removes them. */
export function writeLocalFacts(root: string): () => void {
  const folder = join(root, 'etc/ansible/facts.d');
  mkdirSync(folder, { recursive: true });
  for (const [name, { text, mode }] of Object.entries(LOCAL_FACT_FILES)) writeFileSync(join(folder, name), text, mode === undefined ? {} : { mode });
  return () => rmSync(join(root, 'etc/ansible'), { recursive: true, force: true });
}

export const REFERENCE_FILE = fileURLToPath(new URL('../../../test/fixtures/facts/ansible-setup.json', import.meta.url));

export function loadSetupReference(): SetupReference {
  return JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as SetupReference;
}

export interface SetupAnswer {
  ansible_facts: Record<string, unknown>;
  msg?: string;
  warnings?: string[];
}

/** What `ansible -m setup -a ARGS` answers for the lab host h1 (run live). */
export async function ansibleSetup(lab: Lab, args = ''): Promise<SetupAnswer> {
  const tree = mkdtempSync(join(tmpdir(), 'betif-ansible-tree-'));
  await execa('ansible', ['-i', lab.inventoryPath, 'h1', '-m', 'setup', ...(args ? ['-a', args] : []), '--tree', tree], {
    env: { ANSIBLE_SSH_ARGS: `-F ${join(lab.dir, 'ssh_config')}`, ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' },
    reject: false,
  });
  const result = JSON.parse(readFileSync(join(tree, 'h1'), 'utf8')) as SetupAnswer;
  rmSync(tree, { recursive: true });
  return result;
}

/** Facts without the ansible_ prefix. */
export function unprefixed(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([key, value]) => [key.replace(/^ansible_/, ''), value]));
}

/** Asks Ansible everything SetupReference holds, on a fresh lab's h1. */
export async function recordSetupReference(lab: Lab): Promise<SetupReference> {
  const version = (await execa('ansible', ['--version'])).stdout.split('\n')[0];
  const answers = await Promise.all(SUBSETS.map((subset) => ansibleSetup(lab, `gather_subset=${subset}`)));
  const subsets = Object.fromEntries(SUBSETS.map((subset, index) => [subset, Object.keys(unprefixed(answers[index].ansible_facts)).sort()]));
  const [roles, unknown, filtered] = await Promise.all([
    ansibleSetup(lab, 'gather_subset=!all'),
    ansibleSetup(lab, `gather_subset=${UNKNOWN_SUBSET.join(',')}`),
    ansibleSetup(lab, `gather_subset=!all filter=${FILTER.join(',')}`),
  ]);
  const roleFacts = unprefixed(roles.ansible_facts);
  const removeLocalFacts = writeLocalFacts(lab.hosts[0].root);
  let local: SetupAnswer;
  try {
    local = await ansibleSetup(lab, `gather_subset=${LOCAL_SUBSET.join(',')}`);
  } finally {
    removeLocalFacts();
  }
  return {
    ansible: version,
    subsets,
    roleFacts: Object.fromEntries(ROLE_FACTS.map((key) => [key, roleFacts[key]])),
    unknownSubsetMessage: unknown.msg ?? '',
    filtered: Object.keys(filtered.ansible_facts).sort(),
    local: { facts: local.ansible_facts.ansible_local, warnings: local.warnings },
  };
}

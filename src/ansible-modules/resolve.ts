import { relative } from 'node:path';
import type { Module } from '../modules/contract.js';
import { controllerAnsible } from './controller-ansible.js';
import { moduleDocs } from './documentation.js';
import { findCollectionDir, lookupModule, type ModuleSearch } from './lookup.js';
import { ansibleModule, readModuleFile } from './python-module.js';

const modules = new Map<string, Module>();

function installHint(name: string, coreInstalled: boolean): string {
  const parts = name.split('.');
  if (parts.length >= 3 && !(parts[0] === 'ansible' && (parts[1] === 'builtin' || parts[1] === 'legacy'))) {
    return `install the collection with \`ansible-galaxy collection install ${parts[0]}.${parts[1]}\` (on Debian, \`apt-get install ansible\` brings the community collections)`;
  }
  if (!coreInstalled) return 'install Ansible on this controller (`apt-get install ansible-core`, or `pip install ansible-core`) to use its modules, or give a collection module its full name (namespace.collection.module)';
  return 'for a collection module, give its full name (namespace.collection.module) or list its collection under `collections:`, with the collection installed (`ansible-galaxy collection install NAMESPACE.COLLECTION`, or `apt-get install ansible` on Debian)';
}

/** Places that were searched, shortened for a message: the collection folders once each, relative paths kept short. */
function shownPlaces(looked: string[]): string {
  return looked.map((path) => (path.startsWith(process.cwd()) ? relative(process.cwd(), path) || '.' : path)).join(', ');
}

/**
 * A module betif-play has no native version of, from the user's Ansible installation (role and playbook
 * library/ folders, ANSIBLE_LIBRARY, installed collections, ansible-core): the module, or why not.
 */
export function resolveAnsibleModule(name: string, search: ModuleSearch): { module: Module } | { error: string; notFound?: boolean } {
  const looked = lookupModule(name, search);
  if ('failure' in looked) {
    const { failure } = looked;
    const why = failure.reason ?? `betif-play has no native module '${name}' and found no Ansible module of that name (looked in ${shownPlaces(failure.looked)})`;
    return { error: `${why}; ${installHint(name, controllerAnsible() !== undefined)}`, notFound: failure.reason === undefined };
  }
  const { found } = looked;
  if (found.actionPlugin) {
    return { error: `the module '${found.fqcn}' runs through a controller-side action plugin (${found.actionPlugin}) that betif-play does not implement, so it cannot be run` };
  }
  const key = `${name}\u0000${found.path}`;
  const known = modules.get(key);
  if (known) return { module: known };
  const ansible = controllerAnsible();
  const { bytes, style } = readModuleFile(found);
  if (style === 'new' && !ansible) {
    return { error: `the module '${found.fqcn}' (${found.path}) imports ansible.module_utils, which come from ansible-core: install it on this controller (\`apt-get install ansible-core\` or \`pip install ansible-core\`)` };
  }
  const collectionDir = (namespace: string, collection: string) => findCollectionDir(namespace, collection, search);
  const docs = moduleDocs(bytes.toString('utf8'), { coreDir: ansible?.packageDir, collectionDir });
  const module = ansibleModule({
    written: name,
    found,
    bytes,
    style,
    docs,
    coreDir: ansible?.packageDir,
    ansibleVersion: ansible?.version ?? '2.14.0',
    collectionDir,
  });
  modules.set(key, module);
  return { module };
}

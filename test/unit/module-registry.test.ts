import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Module } from '../../src/modules/contract.js';
import type { ModuleEntry } from '../../src/modules/module-files.js';
import { isStandIn, loadModules, moduleRegistry } from '../../src/modules/registry.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { PlaybookError } from '../../src/playbook/source.js';
import type { ActionTask, TaskNode } from '../../src/playbook/types.js';

/** A registry of the given modules that records which ones a load imported. */
async function countingRegistry(names: string[]) {
  const all = await loadModules();
  const imported: string[] = [];
  const entries: ModuleEntry[] = names.map((name) => {
    const module = all.find(name) as Module;
    return { name: module.name, namespace: module.namespace, aliases: module.aliases, load: async () => (imported.push(module.name), module) };
  });
  return { registry: moduleRegistry(entries), imported, real: (name: string) => all.find(name) };
}

function playbookFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'betif-registry-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return join(dir, 'site.yml');
}

const actions = (nodes: TaskNode[]): ActionTask[] => nodes.flatMap((node) => (node.kind === 'action' ? [node] : node.kind === 'block' ? actions(node.block) : []));

describe('the module registry imports only the modules a playbook names', () => {
  test('the modules named by the tasks (and an imported tasks file) are imported once each, the others never', async () => {
    const { registry, imported, real } = await countingRegistry(['debug', 'command', 'copy', 'file']);
    const path = playbookFiles({
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n    - import_tasks: more.yml\n    - ansible.builtin.debug: msg=again\n',
      'more.yml': '- command: /bin/true\n',
    });
    const playbook = await loadPlaybook(path, registry);
    assert.deepEqual(imported.sort(), ['command', 'debug']);
    const tasks = actions(playbook.plays[0].tasks);
    assert.deepEqual(tasks.map((task) => task.action), ['debug', 'command', 'ansible.builtin.debug']);
    for (const task of tasks) {
      assert.equal(isStandIn(task.module), false);
      assert.equal(task.module, real(task.action));
    }
    assert.deepEqual(tasks[0].args, { msg: 'hi' });
  });

  test('a module imported on demand still has its arguments checked at load time, with the task position', async () => {
    const { registry } = await countingRegistry(['debug']);
    const path = playbookFiles({ 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msgg=hi\n' });
    await assert.rejects(loadPlaybook(path, registry), (error: Error) => {
      assert.ok(error instanceof PlaybookError);
      assert.match(error.message, /site\.yml:4:7: unsupported argument 'msgg' for module 'debug' \(did you mean 'msg'\?\)/);
      return true;
    });
  });

  test('an unknown module is reported as before, naming the nearest module the registry knows', async () => {
    const { registry, imported } = await countingRegistry(['debug', 'copy']);
    const path = playbookFiles({ 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debugg: msg=hi\n' });
    await assert.rejects(loadPlaybook(path, registry), /couldn't resolve module\/action 'ansible\.builtin\.debugg' \(the nearest module betif-play has is 'ansible\.builtin\.debug'\)/);
    assert.ok(!imported.includes('copy'));
  });
});

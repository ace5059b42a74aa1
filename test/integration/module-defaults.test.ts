import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadModules } from '../../src/modules/registry.js';
import { moduleDefaultArgs } from '../../src/playbook/module-defaults.js';
import { debugValues, projectWith, runLocal } from '../helpers/local-play.js';

describe('module_defaults and collections as Ansible applies them', () => {
  test('play, block and task layers by short name or FQCN (inner wins), list form, the task own arguments on top', async () => {
    const dir = projectWith({
      'inc.yml': '- debug: {}\n',
      'roles/r/tasks/main.yml': '- debug: {}\n',
      'roles/r/meta/main.yml': 'collections: [community.general]\n',
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  collections: [community.general]
  module_defaults:
    debug: {msg: play}
    ansible.builtin.file: {path: "{{ playbook_dir }}/touched", state: touch}
  tasks:
    - ansible.builtin.debug: {}
    - name: required arguments may come from module_defaults
      file: {}
    - block:
        - debug: {}
        - debug: {}
          module_defaults:
            ansible.builtin.debug: {msg: task}
        - debug: {msg: own}
      module_defaults:
        debug: {msg: "block {{ inventory_hostname }}"}
    - import_role: {name: r}
    - import_tasks: inc.yml
      module_defaults: {debug: {msg: import}}
- hosts: localhost
  gather_facts: false
  module_defaults:
    - debug: {msg: first}
    - debug: {msg: second}
  tasks:
    - debug: {}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(debugValues(run.stdout), ['play', 'block localhost', 'task', 'own', 'play', 'import', 'second']);
    assert.ok(existsSync(join(dir, 'touched')));
  });

  test('group/ defaults reach the modules of that Ansible action group', async () => {
    const registry = await loadModules();
    const helm = registry.find('helm_repository')!;
    const layers = [{ 'group/kubernetes.core.helm': { kubeconfig: '/k', name: 'g' }, 'group/kubernetes.core.k8s': { other: 1 } }, { helm_repository: { name: 'own' } }];
    assert.deepEqual(moduleDefaultArgs(helm, layers, []), { kubeconfig: '/k', name: 'own' });
    assert.deepEqual(moduleDefaultArgs(helm, [{ 'group/helm': { kubeconfig: '/c' } }], ['kubernetes.core']), { kubeconfig: '/c' });
    assert.deepEqual(moduleDefaultArgs(helm, [{ 'group/helm': { kubeconfig: '/c' } }], []), {});
  });

  test('an FQCN found nowhere: one load-time error with its position, the nearest native module and where it looked', async () => {
    const dir = projectWith({ 'playbook.yml': '- hosts: localhost\n  tasks:\n    - name: x\n      community.general.no_such_module: {path: /tmp/x}\n' });
    const run = await runLocal(dir);
    assert.equal(run.code, 4);
    assert.match(
      run.stderr.trim(),
      new RegExp(`^ERROR! ${join(dir, 'playbook.yml')}:4:7: couldn't resolve module/action 'community\\.general\\.no_such_module' \\(the nearest module betif-play has is 'ansible\\.builtin\\.\\w+'\\): betif-play has no native module .* \\(looked in .*\\); install the collection`),
    );
  });

  test('bad module_defaults and collections values are refused at load time', async () => {
    const bad = projectWith({ 'playbook.yml': '- hosts: localhost\n  module_defaults: {debug: [1]}\n  tasks: []\n' });
    const run = await runLocal(bad);
    assert.equal(run.code, 4);
    assert.match(run.stderr, /playbook\.yml:2:3: the play keyword 'module_defaults'/);
    const badCollections = projectWith({ 'playbook.yml': '- hosts: localhost\n  tasks:\n    - debug: {}\n      collections: {a: 1}\n' });
    const second = await runLocal(badCollections);
    assert.equal(second.code, 4);
    assert.match(second.stderr, /playbook\.yml:4:7: the task keyword 'collections'/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { betifPlay } from '../helpers/cli.js';
import { debugValues, projectWith } from '../helpers/local-play.js';

test("the python facts describe ansible_python_interpreter once its template is rendered ({{ ansible_playbook_python }}, as Ansible's test inventories write it)", async () => {
  const dir = projectWith({
    'inventory.ini': 'testhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n',
    'playbook.yml': '- hosts: testhost\n  gather_facts: true\n  tasks:\n    - debug: {msg: "{{ ansible_facts.python.version_info[0] }} {{ ansible_facts.python.executable }}"}\n',
  });
  const run = await betifPlay([join(dir, 'playbook.yml'), '-i', join(dir, 'inventory.ini')], { cwd: dir });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(String(debugValues(run.stdout)[0]), /^3 \/\S*python3/);
});

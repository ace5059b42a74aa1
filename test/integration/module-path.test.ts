import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { betifPlay } from '../helpers/cli.js';

// A new-style Ansible module of the project's own, as a user keeps it in a folder named by ansible.cfg's `library`.
const SHOUT = `#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule

def main():
    module = AnsibleModule(argument_spec=dict(word=dict(type='str', required=True)), supports_check_mode=True)
    module.exit_json(changed=False, shouted=module.params['word'].upper())

if __name__ == '__main__':
    main()
`;

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - shout: {word: hello}
      register: loud
    - assert: {that: "loud.shouted == 'HELLO'"}
`;

describe('module folders from ansible.cfg (library) and -M', () => {
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-module-path-'));
    for (const folder of ['from-cfg', 'from-flag']) {
      mkdirSync(join(work, folder));
      writeFileSync(join(work, folder, 'shout.py'), SHOUT);
    }
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
  });

  test("ansible.cfg's library names a folder of Ansible modules", async () => {
    writeFileSync(join(work, 'ansible.cfg'), '[defaults]\nlibrary = ./from-cfg\n');
    const run = await betifPlay(['site.yml', '-i', 'localhost,', '-c', 'local'], { cwd: work, env: { ANSIBLE_CONFIG: join(work, 'ansible.cfg') } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /localhost +: ok=2 /);
  });

  test('-M names one too', async () => {
    writeFileSync(join(work, 'ansible.cfg'), '[defaults]\n');
    const run = await betifPlay(['site.yml', '-i', 'localhost,', '-c', 'local', '-M', join(work, 'from-flag'), '-v'], { cwd: work, env: { ANSIBLE_CONFIG: join(work, 'ansible.cfg') } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /Using module file .*from-flag\/shout\.py/);
  });
});

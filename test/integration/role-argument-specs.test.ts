import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRecap } from '../helpers/cli.js';
import { debugValues, projectWith, runLocal } from '../helpers/local-play.js';

const ROLE = {
  'roles/web/meta/argument_specs.yml': `
argument_specs:
  main:
    short_description: A web server
    options:
      listen_port: {type: int, required: true}
      proto: {type: str, choices: [http, https], default: http}
      names: {type: list, elements: int}
      tls:
        type: dict
        options:
          cert: {type: path, required: true}
`,
  'roles/web/tasks/main.yml': '- debug: {msg: "{{ listen_port }} {{ proto | default(\'unset\') }}"}\n',
  'roles/web/tasks/other.yml': '- debug: {msg: other}\n',
};

function failureMessage(stdout: string): string {
  const line = stdout.split('\n').find((text) => text.startsWith('fatal: [localhost]: FAILED! => '));
  return String((JSON.parse(line!.slice('fatal: [localhost]: FAILED! => '.length)) as { msg: string }).msg);
}

describe('a role with meta/argument_specs.yml starts with the validation task ansible-core 2.14 generates', () => {
  test('valid arguments: the task shows as ok, tagged always; defaults are not set as variables', async () => {
    const dir = projectWith({
      ...ROLE,
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  roles:
    - {role: web, listen_port: "8080", names: ["1", 2], tls: {cert: /x}}
  tasks:
    - include_role: {name: web, tasks_from: other}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /TASK \[web : Validating arguments against arg spec 'main' - A web server\] \**\nok: \[localhost\]/);
    assert.deepEqual(debugValues(run.stdout), ['8080 unset', 'other']);
    assert.equal(parseRecap(run.stdout).localhost.ok, 3, 'no spec for the "other" entry point: no validation task');
    const tagged = await runLocal(dir, ['--tags', 'nothing']);
    assert.match(tagged.stdout, /Validating arguments/);
  });

  test('invalid arguments fail the host with every message, in Ansible order', async () => {
    const dir = projectWith({
      ...ROLE,
      'playbook.yml': `
- hosts: localhost
  gather_facts: false
  roles:
    - {role: web, proto: gopher, names: [x], tls: {}, extra: 1}
`,
    });
    const run = await runLocal(dir);
    assert.equal(run.code, 2);
    assert.equal(
      failureMessage(run.stdout),
      [
        'Validation of arguments failed:',
        'missing required arguments: listen_port',
        "Elements value for option 'names' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int",
        'value of proto must be one of: http, https, got: gopher',
        'missing required arguments: cert found in tls',
        'extra. Supported parameters include: listen_port, names, proto, tls.',
      ].join('\n'),
    );
    assert.doesNotMatch(run.stdout, /TASK \[web : debug\]/);
  });
});

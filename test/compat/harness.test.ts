import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, type RunOutcome } from './harness/compare.js';
import { normalizeBackupName } from './harness/host-files.js';
import { parseOutput } from './harness/output.js';

// ansible-playbook 2.14's own output for a small playbook (workspace /work/case), trimmed of banner stars.
const ANSIBLE_OUTPUT = `
PLAY [all] ***

TASK [items] ***
changed: [h1] => (item=a)
skipping: [h1] => (item=2) 

TASK [printed] ***
ok: [h1] => {
    "msg": [
        "x",
        1
    ]
}

TASK [failing] ***
fatal: [h1]: FAILED! => {"changed": true, "cmd": ["/bin/false"], "msg": "non-zero return code", "rc": 1}
...ignoring

TASK [delegated] ***
--- before: /srv/out
+++ after: /root/.ansible/tmp/ansible-local-17737hjcsel2h/tmp21d6t473
@@ -1 +1 @@
-old
+new

changed: [h1 -> h2(127.0.0.1)]

TASK [include_tasks] ***
included: /work/case/inc.yml for h1, h2

PLAY RECAP ***
h1                         : ok=6    changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1   
`;

function outcome(stdout: string, files: Record<string, string> = {}): RunOutcome {
  return { args: [], code: 0, stdout, stderr: '', seconds: 0, parsed: parseOutput(stdout, '/work/case'), files: new Map(Object.entries(files)) };
}

describe('the compat harness reads ansible-playbook output', () => {
  test('sections, per-host lines, items, ignoring, printed values, diffs, includes and the recap', () => {
    const parsed = parseOutput(ANSIBLE_OUTPUT, '/work/case');
    assert.deepEqual(
      parsed.sections.map((section) => section.heading),
      ['TASK [items]', 'TASK [printed]', 'TASK [failing]', 'TASK [delegated]', 'TASK [include_tasks]'],
    );
    const [items, printed, failing, delegated, included] = parsed.sections;
    assert.deepEqual(items.lines.map((line) => [line.status, line.host, line.item]), [['changed', 'h1', 'a'], ['skipping', 'h1', '2']]);
    assert.deepEqual(printed.lines[0].value, { msg: ['x', 1] });
    assert.equal(failing.lines[0].status, 'fatal');
    assert.equal(failing.lines[0].ignored, true);
    assert.equal(failing.lines[0].value, undefined, 'one-line results hold times and are not compared');
    assert.equal(delegated.lines[0].host, 'h1 -> h2(127.0.0.1)');
    assert.equal(delegated.lines[0].diff, '@@ -1 +1 @@\n-old\n+new');
    assert.deepEqual(included.lines.map((line) => [line.host, line.value]), [['h1', '<case>/inc.yml'], ['h2', '<case>/inc.yml']]);
    assert.equal(parsed.recap.h1.ignored, 1);
  });

  test('every facet notices a difference, and identical runs agree', () => {
    const reference = outcome(ANSIBLE_OUTPUT, { 'h1:/srv/out': 'file 0644\nnew\n' });
    assert.deepEqual(compareRuns(0, reference, outcome(ANSIBLE_OUTPUT, { 'h1:/srv/out': 'file 0644\nnew\n' })), []);
    const other = outcome(
      ANSIBLE_OUTPUT.replace('changed: [h1] => (item=a)', 'ok: [h1] => (item=a)')
        .replace('        1\n', '        2\n')
        .replace('+new', '+newer')
        .replace('changed=3', 'changed=2'),
      { 'h1:/srv/out': 'file 0600\nnew\n' },
    );
    other.code = 2;
    assert.deepEqual(compareRuns(0, reference, other).map((each) => each.facet), ['exit', 'recap', 'files', 'tasks', 'values', 'diffs']);
  });

  test('backup file names lose their pid and time stamp', () => {
    assert.equal(normalizeBackupName('/srv/app.conf.4242.2026-11-24@21:13:00~'), '/srv/app.conf.<pid>.<time>~');
  });
});

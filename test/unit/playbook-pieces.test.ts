import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValueArgs } from '../../src/playbook/kv.js';
import { selectedByTags } from '../../src/runner/tags.js';
import { serialBatches } from '../../src/runner/serial.js';
import { Secrets } from '../../src/runner/secrets.js';
import { unifiedDiff } from '../../src/output/diff.js';
import { dumpResult, recapLine } from '../../src/output/format.js';

describe('key=value arguments', () => {
  test('quotes, templates with spaces and escapes are read as Ansible reads them', () => {
    assert.deepEqual(parseKeyValueArgs('dest=/tmp/x content="a b\\n" msg={{ a | default("x y") }}'), {
      dest: '/tmp/x',
      content: 'a b\n',
      msg: '{{ a | default("x y") }}',
    });
    // \b is decoded (a backspace), \\b becomes \b, and \1 is no escape: it stays for the module's back-reference.
    assert.deepEqual(parseKeyValueArgs(`regexp='\\b(.+)\\\\b' replace='"\\1"'`), { regexp: '\b(.+)\\b', replace: '"\\1"' });
  });

  test('the free-form part of command goes to its own argument, known options are taken out', () => {
    assert.deepEqual(parseKeyValueArgs('touch /tmp/a creates=/tmp/a', 'cmd', ['creates', 'chdir']), { cmd: 'touch /tmp/a', creates: '/tmp/a' });
  });

  test('free-form text keeps its newlines and quoted spaces, and joins lines ending in a lone backslash, as Ansible does', () => {
    const block = 'echo a \\\n"b  c" \\\n"d\ne" | cat\necho  two\n';
    assert.deepEqual(parseKeyValueArgs(block, 'cmd', ['chdir']), { cmd: 'echo a "b  c" "d\ne" | cat\necho  two\n' });
    assert.deepEqual(parseKeyValueArgs("echo {{ 'x  y' }}   chdir=/srv  \"q  r\"", 'cmd', ['chdir']), { cmd: "echo {{ 'x  y' }}   \"q  r\"", chdir: '/srv' });
  });

  test('free-form text over several lines keeps its line breaks, as Ansible\'s split_args does (shell: | scripts)', () => {
    const script = 'echo a\nfor v in 1 2; do echo "$v  {{ n }}"; done\ncreates=/tmp/a\n';
    assert.deepEqual(parseKeyValueArgs(script, 'cmd', ['creates']), { cmd: 'echo a\nfor v in 1 2; do echo "$v  {{ n }}"; done\n', creates: '/tmp/a' });
  });

  test('free text for a module without a free form is an error', () => {
    assert.throws(() => parseKeyValueArgs('just words'), /takes key=value arguments/);
  });
});

describe('tag selection', () => {
  test('no --tags runs everything but never', () => {
    assert.equal(selectedByTags([], [], []), true);
    assert.equal(selectedByTags(['never'], [], []), false);
  });

  test('--tags selects, always runs unless skipped, never only when named', () => {
    assert.equal(selectedByTags(['web'], ['web'], []), true);
    assert.equal(selectedByTags(['db'], ['web'], []), false);
    assert.equal(selectedByTags(['always'], ['web'], []), true);
    assert.equal(selectedByTags(['always'], ['web'], ['always']), false);
    assert.equal(selectedByTags(['never', 'debug'], ['debug'], []), true);
  });

  test('tagged and untagged', () => {
    assert.equal(selectedByTags([], ['untagged'], []), true);
    assert.equal(selectedByTags(['x'], ['tagged'], []), true);
    assert.equal(selectedByTags(['x'], [], ['tagged']), false);
  });
});

describe('serial batches', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'];

  test('a number, a percentage, and a list whose last size repeats', () => {
    assert.deepEqual(serialBatches(hosts, 2), [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(serialBatches(hosts, '40%'), [['a', 'b'], ['c', 'd'], ['e']]);
    assert.deepEqual(serialBatches(hosts, [1, '50%']), [['a'], ['b', 'c'], ['d', 'e']]);
  });

  test('no serial, or 0, is one batch; a small percentage is at least one host', () => {
    assert.deepEqual(serialBatches(hosts, undefined), [hosts]);
    assert.deepEqual(serialBatches(hosts, 0), [hosts]);
    assert.deepEqual(serialBatches(hosts, '1%'), hosts.map((host) => [host]));
  });
});

describe('secrets', () => {
  test('every occurrence of a secret value is masked, in text and nested results', () => {
    const secrets = new Secrets();
    secrets.add({ token: 'K10abc::server:xyz' });
    assert.equal(secrets.maskText('token: K10abc::server:xyz\n'), 'token: ********\n');
    assert.deepEqual(secrets.mask({ stdout_lines: ['x K10abc::server:xyz'] }), { stdout_lines: ['x ********'] });
  });
});

describe('output shapes', () => {
  test('a diff is laid out like Ansible (difflib ranges, headers, blank line after)', () => {
    assert.equal(unifiedDiff({ before: '', after: 'x\n', beforeHeader: '/etc/motd' }), '--- before: /etc/motd\n+++ after: /etc/motd\n@@ -0,0 +1 @@\n+x\n\n');
    assert.equal(unifiedDiff({ before: 'a\n', after: 'a\n' }), '');
  });

  test('results print like Python json.dumps with sorted keys', () => {
    assert.equal(dumpResult({ msg: 'x', changed: false, rc: [1, 2] }, false), '{"changed": false, "msg": "x", "rc": [1, 2]}');
  });

  test('a recap line has the fixed columns scripts rely on', () => {
    assert.equal(recapLine('h1', { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 3, rescued: 0, ignored: 0 }), 'h1                         : ok=2    changed=1    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0   ');
  });
});

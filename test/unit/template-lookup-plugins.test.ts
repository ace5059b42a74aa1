import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { TemplateError, createTemplar } from '../../src/template/templar.js';

/** A role and a playbook folder: the search path is [role, playbook], as for a task in a role. */
function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'betif-lookup-plugins-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const root = layout({
  'roles/web/files/role-only.txt': 'r',
  'roles/web/files/both.txt': 'role copy',
  'roles/web/templates/page.j2': 't',
  'roles/web/vars/Debian.yml': 'x: 1',
  'files/both.txt': 'playbook copy',
  'files/play-only.txt': 'p',
  'files/a.conf': 'a',
  'files/b.conf': 'b',
  'files/.hidden.conf': 'h',
  'files/conf.d/c.conf': 'c',
  'vars/default.yml': 'y: 2',
  'extra/found.txt': 'e',
});
const role = join(root, 'roles/web');

const VARS = {
  inventory_hostname: 'h1',
  hostvars: { h1: { from_hostvars: 'hv' } },
  app_port: 80,
  app_name: '{{ "web" | upper }}',
  users: [
    { name: 'alice', groups: ['wheel', 'adm'], ssh: { keys: ['k1'] } },
    { name: 'bob', groups: [], ssh: {} },
  ],
};

function templar(searchPaths = [role, root]) {
  return createTemplar(VARS, { searchPaths });
}

function value(expression: string, searchPaths?: string[]): unknown {
  return templar(searchPaths).evaluate(expression);
}

function failure(expression: string): string {
  try {
    templar().evaluate(expression);
  } catch (error) {
    assert.ok(error instanceof TemplateError, String(error));
    return error.message;
  }
  return assert.fail(`${expression} did not fail`);
}

describe('first_found', () => {
  test("looks in each search path's files/ then the path itself: the role before the playbook", () => {
    assert.equal(value("lookup('first_found', 'both.txt')"), join(role, 'files/both.txt'));
    assert.equal(value("lookup('first_found', ['nope.txt', 'play-only.txt'])"), join(root, 'files/play-only.txt'));
    assert.equal(value("lookup('first_found', 'extra/found.txt')"), join(root, 'extra/found.txt'));
  });

  test('files and paths dicts: every path joined with every file, split on , and ; (paths also on :)', () => {
    assert.equal(value("lookup('first_found', {'files': ['Ubuntu.yml', 'default.yml'], 'paths': ['vars']})"), join(root, 'vars/default.yml'));
    assert.equal(value("lookup('first_found', {'files': 'Ubuntu.yml;Debian.yml', 'paths': 'nowhere:vars'})"), join(role, 'vars/Debian.yml'));
    assert.equal(value(`lookup('first_found', {'files': ['found.txt'], 'paths': ['${join(root, 'extra')}']})`), join(root, 'extra/found.txt'));
  });

  test('nothing found: an error, or nothing with skip', () => {
    assert.equal(failure("lookup('first_found', ['a.nope', 'b.nope'])"), 'No file was found when using first_found.');
    assert.deepEqual(value("query('first_found', 'a.nope', skip=true)"), []);
    assert.deepEqual(value("query('first_found', {'files': ['a.nope'], 'skip': true})"), []);
    // As Ansible's: a failure let pass is None, an empty result the empty list itself.
    assert.equal(value("lookup('first_found', 'a.nope', errors='ignore')"), null);
    assert.deepEqual(value("lookup('first_found', 'a.nope', skip=true)"), []);
  });
});

describe('fileglob', () => {
  test('matches regular files in the first folder that has any, hidden files excepted, sorted', () => {
    assert.deepEqual(value("query('fileglob', '*.conf')"), [join(root, 'files/a.conf'), join(root, 'files/b.conf')]);
    assert.deepEqual(value("query('fileglob', 'conf.d/*.conf')"), [join(root, 'files/conf.d/c.conf')]);
    assert.deepEqual(value("query('fileglob', '*.nothing')"), []);
    assert.equal(value("lookup('fileglob', '[ab].conf')"), `${join(root, 'files/a.conf')},${join(root, 'files/b.conf')}`);
  });
});

describe('variables: vars, varnames, env', () => {
  test('vars templates the value, falls back to hostvars of the host, then to a default', () => {
    assert.equal(value("lookup('vars', 'app_name')"), 'WEB');
    assert.equal(value("lookup('vars', 'from_hostvars')"), 'hv');
    assert.equal(value("lookup('vars', 'nope', default='d')"), 'd');
    assert.equal(failure("lookup('vars', 'nope')"), 'No variable found with this name: nope');
  });

  test('varnames lists the variables matching each regular expression', () => {
    assert.deepEqual(value("query('varnames', '^app_')"), ['app_port', 'app_name']);
    assert.equal(value("lookup('varnames', 'port$', 'e$')"), 'app_port,inventory_hostname,app_name');
  });

  test('env reads only the first word of the term', () => {
    process.env.BETIF_LOOKUP_PLUGINS = 'yes';
    assert.equal(value("lookup('env', 'BETIF_LOOKUP_PLUGINS ignored')"), 'yes');
  });
});

describe('pipe and lines', () => {
  test("run in the playbook's folder, pipe trims the end, lines splits", () => {
    assert.equal(value("lookup('pipe', 'pwd; echo done')"), `${root}\ndone`);
    assert.deepEqual(value("query('lines', 'printf \"a\\\\nb\\\\n\"')"), ['a', 'b']);
  });

  test('a failing command is an error naming its status', () => {
    assert.equal(failure("lookup('pipe', 'exit 3')"), 'lookup_plugin.pipe(exit 3) returned 3');
  });
});

describe('password', () => {
  test('creates the file (mode 0600) with a password of the length and chars asked for, then reads it back', () => {
    const first = value("lookup('password', 'creds/db length=12 chars=digits')") as string;
    assert.match(first, /^\d{12}$/);
    const file = join(root, 'creds/db');
    assert.equal(readFileSync(file, 'utf8'), `${first}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(value("lookup('password', 'creds/db length=12 chars=digits')"), first);
  });

  test('a seed gives the password Python random.Random(seed) gives (as ansible 2.14 does)', () => {
    assert.equal(value("lookup('password', '/dev/null', seed=1)"), '99fo3WLaea_C:_D:slkx');
    assert.equal(value("lookup('password', '/dev/null length=12 chars=digits seed=abc')"), '875524031001');
    assert.equal(existsSync('/dev/null'), true);
  });

  test('encrypt keeps a salt in the file and returns the crypt hash of the stored password', () => {
    writeFileSync(join(root, 'creds-user'), 'hunter2 salt=abcdefgh\n');
    assert.equal(value("lookup('password', 'creds-user encrypt=md5_crypt')"), '$1$abcdefgh$vhxKZ/s1ygZHyCEDPyqtQ/');
    assert.equal(readFileSync(join(root, 'creds-user'), 'utf8'), 'hunter2 salt=abcdefgh\n');
    const hashed = value("lookup('password', 'creds-new encrypt=sha512_crypt')") as string;
    const [password, salt] = readFileSync(join(root, 'creds-new'), 'utf8').trimEnd().split(' salt=');
    assert.match(password, /^[A-Za-z0-9.,:\-_]{20}$/);
    assert.ok(hashed.startsWith(`$6$${salt}$`));
  });

  test('unknown parameters are refused', () => {
    assert.equal(failure("lookup('password', '/dev/null size=3')"), 'Unrecognized parameter(s) given to password lookup: size');
  });
});

describe('list lookups', () => {
  test('items flattens one level, indexed_items numbers, dict gives key/value', () => {
    assert.deepEqual(value("query('items', [1, [2, [3]]], 4)"), [1, [2, [3]], 4]);
    assert.deepEqual(value("query('indexed_items', ['a', 'b'])"), [[0, 'a'], [1, 'b']]);
    assert.deepEqual(value("query('dict', {'k': 1, 'l': 2})"), [{ key: 'k', value: 1 }, { key: 'l', value: 2 }]);
    assert.equal(failure("query('dict', [1])"), 'with_dict expects a dict');
  });

  test('nested and together', () => {
    assert.deepEqual(value("query('nested', ['a', 'b'], [1, 2])"), [['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
    assert.deepEqual(value("query('nested', ['a'], [1], ['x', 'y'])"), [['a', 1, 'x'], ['a', 1, 'y']]);
    assert.deepEqual(value("query('together', ['a', 'b'], [1])"), [['a', 1], ['b', null]]);
  });

  test('flattened opens every level and drops None', () => {
    assert.deepEqual(value("query('flattened', [1, [2, [3, none]]], 4)"), [1, 2, 3, 4]);
  });

  test('subelements pairs each element (without the list) with each item of its list', () => {
    assert.deepEqual(value("query('subelements', users, 'groups')"), [
      [{ name: 'alice', ssh: { keys: ['k1'] } }, 'wheel'],
      [{ name: 'alice', ssh: { keys: ['k1'] } }, 'adm'],
    ]);
    assert.deepEqual(value("query('subelements', users, 'ssh.keys', {'skip_missing': true})"), [[{ name: 'alice', groups: ['wheel', 'adm'], ssh: {} }, 'k1']]);
    assert.equal(failure("query('subelements', users, 'ssh.keys')"), "could not find 'keys' key in iterated item '{}'");
    assert.equal(failure("query('subelements', users)"), 'subelements lookup expects a list of two or three items, ');
  });

  test('sequence: key=value and shortcut forms, count, stride, format, hex and octal numbers', () => {
    assert.deepEqual(value("query('sequence', 'start=1 end=5')"), ['1', '2', '3', '4', '5']);
    assert.deepEqual(value("query('sequence', '1-10/2')"), ['1', '3', '5', '7', '9']);
    assert.deepEqual(value("query('sequence', '4:host%02d')"), ['host01', 'host02', 'host03', 'host04']);
    assert.deepEqual(value("query('sequence', 'start=0x0f00 count=4 format=%04x')"), ['0f00', '0f01', '0f02', '0f03']);
    assert.deepEqual(value("query('sequence', 'start=0 count=5 stride=2')"), ['0', '2', '4', '6', '8']);
    assert.deepEqual(value("query('sequence', 'start=10 end=0 stride=-3')"), ['10', '7', '4', '1']);
    assert.deepEqual(value("query('sequence', 'start=5 end=11 stride=2 format=0x%02x')"), ['0x05', '0x07', '0x09', '0x0b']);
    assert.deepEqual(value("query('sequence', 'count=0')"), []);
    assert.deepEqual(value("query('sequence', 'start=0o10 end=0b1010')"), ['8', '9', '10']);
  });

  test('sequence errors are the ones Ansible gives', () => {
    assert.equal(failure("query('sequence', 'start=1')"), 'must specify count or end in with_sequence');
    assert.equal(failure("query('sequence', 'end=3 count=3')"), "can't specify both count and end in with_sequence");
    assert.equal(failure("query('sequence', 'start=5 end=1')"), 'to count backwards make stride negative');
    assert.equal(failure("query('sequence', 'end=3 format=%d-%d')"), 'bad formatting string: %d-%d');
    assert.equal(failure("query('sequence', 'end=x')"), "can't parse end=x as integer");
    assert.equal(failure("query('sequence', 'end=010')"), "can't parse end=010 as integer");
    assert.equal(failure("query('sequence', 'end=3 step=1')"), "unrecognized arguments to with_sequence: ['step']");
  });

  test('random_choice picks one of the terms', () => {
    assert.ok(['a', 'b'].includes(value("lookup('random_choice', 'a', 'b')") as string));
  });
});

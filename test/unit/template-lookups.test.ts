import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { readCsv } from '../../src/template/lookup-csvfile.js';
import { TemplateError, createTemplar } from '../../src/template/templar.js';
import { useVault } from '../../src/vault/active.js';
import { encryptText, VaultKeyring } from '../../src/vault/keyring.js';

/** A playbook-like folder: files/, templates/ and a loose file at the top. */
function layout(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'betif-lookups-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const root = layout({
  'files/motd.txt': 'Welcome to {{ host }}\n\n',
  'top.txt': '  top level  \n',
  'templates/app.conf.j2': 'name={{ name }}\n{% for p in ports %}port={{ p }}\n{% endfor %}',
  'templates/partial.j2': 'partial {{ name }}',
  'templates/main.j2': 'start\n{% include "partial.j2" %}\nend',
  'other/fallback.txt': 'fallback',
});

const VARS = { name: 'web', ports: [80, 443], host: 'h1', greeting: '{{ name | upper }}' };

function templar() {
  return createTemplar(VARS, { searchPaths: [root] });
}

function failure(expression: string): string {
  try {
    templar().render(expression);
  } catch (error) {
    assert.ok(error instanceof TemplateError, String(error));
    return error.message;
  }
  return assert.fail(`${expression} did not fail`);
}

describe('lookup file', () => {
  test('relative paths are found under a search path files/ folder, trailing whitespace stripped, not templated', () => {
    assert.equal(templar().render("{{ lookup('file', 'motd.txt') }}"), 'Welcome to {{ host }}');
  });

  test('relative paths are also found at the top of a search path', () => {
    assert.equal(templar().render("{{ lookup('file', 'top.txt') }}"), '  top level');
  });

  test('absolute paths are read directly', () => {
    assert.equal(createTemplar({}).render(`{{ lookup('file', '${join(root, 'other/fallback.txt')}') }}`), 'fallback');
  });

  test('several files are joined with commas, query gives a list', () => {
    assert.equal(templar().render("{{ lookup('file', 'top.txt', 'motd.txt') }}"), '  top level,Welcome to {{ host }}');
    assert.deepEqual(templar().render("{{ query('file', 'top.txt', 'motd.txt') }}"), ['  top level', 'Welcome to {{ host }}']);
    assert.deepEqual(templar().render("{{ lookup('file', 'top.txt', wantlist=true) }}"), ['  top level']);
  });

  test('a missing file is an error naming it, unless errors are ignored', () => {
    assert.equal(failure("{{ lookup('file', 'missing.txt') }}"), 'could not locate file in lookup: missing.txt');
    assert.equal(templar().render("{{ lookup('file', 'missing.txt', errors='ignore') }}"), '');
  });
});

describe('lookup template', () => {
  test('renders the file with the same variables', () => {
    assert.equal(templar().render("{{ lookup('template', 'app.conf.j2') }}"), 'name=web\nport=80\nport=443\n');
  });

  test('includes inside the template are found on the search paths', () => {
    assert.equal(templar().render("{{ lookup('template', 'main.j2') }}"), 'start\npartial webend');
  });

  test('a missing template is an error', () => {
    assert.equal(failure("{{ lookup('template', 'nope.j2') }}"), 'the template file nope.j2 could not be found for the lookup');
  });
});

describe('lookup env', () => {
  test('reads the controller environment, empty or a default when unset', () => {
    process.env.BETIF_TEMPLATE_TEST = 'from-env';
    assert.equal(templar().render("{{ lookup('env', 'BETIF_TEMPLATE_TEST') }}"), 'from-env');
    assert.equal(templar().render("{{ lookup('env', 'BETIF_TEMPLATE_UNSET_VAR') }}"), '');
    assert.equal(templar().render("{{ lookup('env', 'BETIF_TEMPLATE_UNSET_VAR', default='dflt') }}"), 'dflt');
    assert.deepEqual(templar().render("{{ query('env', 'BETIF_TEMPLATE_TEST') }}"), ['from-env']);
  });
});

describe('lookup vars', () => {
  test('reads a variable by a computed name, rendered', () => {
    assert.equal(templar().render("{{ lookup('vars', 'gree' + 'ting') }}"), 'WEB');
    assert.deepEqual(templar().render("{{ lookup('vars', 'ports') }}"), [80, 443]);
    assert.deepEqual(templar().render("{{ query('vars', 'name', 'host') }}"), ['web', 'h1']);
  });

  test('a missing variable is an error unless a default is given', () => {
    assert.equal(failure("{{ lookup('vars', 'nope') }}"), 'No variable found with this name: nope');
    assert.equal(templar().evaluate("lookup('vars', 'nope', default=3)"), 3);
  });
});

describe('other lookups', () => {
  test('first_found returns the first existing file', () => {
    assert.equal(templar().render("{{ lookup('first_found', ['nope.txt', 'top.txt']) }}"), join(root, 'top.txt'));
    assert.equal(templar().render(`{{ lookup('first_found', {'files': ['fallback.txt'], 'paths': ['${join(root, 'other')}']}) }}`), join(root, 'other/fallback.txt'));
    assert.equal(failure("{{ lookup('first_found', ['nope.txt']) }}"), 'No file was found when using first_found.');
  });

  test('items, list and dict lookups', () => {
    assert.deepEqual(templar().render("{{ query('items', [1, 2], 3) }}"), [1, 2, 3]);
    assert.deepEqual(templar().render("{{ query('dict', {'a': 1}) }}"), [{ key: 'a', value: 1 }]);
    assert.deepEqual(templar().render("{{ lookup('ansible.builtin.list', 'a', 'b', wantlist=true) }}"), ['a', 'b']);
  });

  test('an unknown plugin is reported', () => {
    assert.equal(failure("{{ lookup('nosuchplugin', 'x') }}"), 'lookup plugin (nosuchplugin) not found');
  });
});

describe('template files with includes (renderText)', () => {
  test('{% include %} and {% import %} resolve against the search paths', () => {
    const text = '{% include "templates/partial.j2" %}|{% from "templates/macros.j2" import shout %}{{ shout(name) }}';
    const dir = layout({ 'templates/partial.j2': 'p={{ name }}', 'templates/macros.j2': '{% macro shout(v) %}{{ v | upper }}!{% endmacro %}' });
    assert.equal(createTemplar({ name: 'web' }, { searchPaths: [dir] }).renderText(text), 'p=web|WEB!');
  });
});

describe('unvault and inventory_hostnames lookups', () => {
  test("unvault reads a file as it is (nothing stripped, unlike the file lookup), a vaulted one decrypted", () => {
    const folder = layout({ 'files/plain.txt': '  the text \n\n' });
    const keyring = new VaultKeyring([{ label: 'default', password: Buffer.from('pw') }]);
    writeFileSync(join(folder, 'files', 'vaulted.txt'), encryptText(Buffer.from('  the text \n\n'), keyring.secrets[0]));
    useVault(keyring, () => undefined);
    try {
      const render = (expression: string) => createTemplar({}, { searchPaths: [folder] }).render(expression);
      assert.equal(render("{{ lookup('unvault', 'plain.txt') }}"), '  the text \n\n');
      assert.equal(render("{{ lookup('ansible.builtin.unvault', 'vaulted.txt') == lookup('unvault', 'plain.txt') }}"), true);
      assert.equal(render("{{ lookup('file', 'plain.txt') }}"), '  the text');
      assert.throws(() => render("{{ lookup('unvault', 'missing.txt') }}"), /Unable to find file matching "missing\.txt"/);
    } finally {
      useVault(new VaultKeyring([]), () => undefined);
    }
  });

  test('inventory_hostnames selects hosts from the groups variable with Ansible host patterns', () => {
    const groups = { all: ['a1', 'a2', 'b1', 'lone'], ungrouped: ['lone'], web: ['a1', 'a2'], db: ['a2', 'b1'] };
    const render = (expression: string) => createTemplar({ groups }).render(expression);
    assert.deepEqual(render("{{ query('inventory_hostnames', 'web') }}"), ['a1', 'a2']);
    assert.deepEqual(render("{{ lookup('inventory_hostnames', 'web:&db', wantlist=true) }}"), ['a2']);
    assert.deepEqual(render("{{ query('inventory_hostnames', 'all:!db') }}"), ['a1', 'lone']);
    assert.deepEqual(render("{{ query('inventory_hostnames', 'b?', 'lone') }}"), ['b1', 'lone']);
    assert.deepEqual(render("{{ query('inventory_hostnames', 'nowhere') }}"), []);
    assert.equal(render("{{ lookup('inventory_hostnames', 'db') }}"), 'a2,b1');
  });
});

describe('the ini lookup, as Python configparser reads the file', () => {
  const folder = layout({
    'files/app.ini': '[DEFAULT]\nbase = /srv\n[web]\npath = %(base)s/web\nName = Mixed\nflag\nwho = %(Name)s\n',
    'files/dup.ini': '[s]\nkey = a\nKEY = b\n',
    'files/app.properties': 'one=1\ntwo = 2\n',
  });
  const render = (expression: string) => createTemplar({}, { searchPaths: [folder] }).render(expression);
  const failing = (expression: string) => {
    try {
      render(expression);
    } catch (error) {
      return (error as Error).message;
    }
    return assert.fail(`${expression} did not fail`);
  };

  test('values with DEFAULT and interpolation, keys without case unless case_sensitive, regex keys, properties', () => {
    assert.equal(render("{{ lookup('ini', 'path', section='web', file='app.ini', allow_no_value=true) }}"), '/srv/web');
    assert.equal(render("{{ lookup('ini', 'NAME', section='web', file='app.ini', allow_none=true) }}"), 'Mixed');
    assert.equal(render("{{ lookup('ini', 'name', section='web', file='app.ini', case_sensitive=true, allow_no_value=true, default='none') }}"), 'none');
    assert.equal(render("{{ lookup('ini', 'who', section='web', file='app.ini', allow_no_value=true) }}"), 'Mixed');
    assert.equal(render("{{ lookup('ini', 'who', section='web', file='app.ini', case_sensitive=true, allow_no_value=true) }}"), 'Mixed');
    assert.deepEqual(render("{{ query('ini', 'flag', section='web', file='app.ini', allow_no_value=true) }}"), []);
    assert.deepEqual(render("{{ query('ini', 'p.*', section='web', file='app.ini', re=true, allow_no_value=true) }}"), ['/srv/web']);
    assert.deepEqual(render("{{ query('ini', 'w', section='web', file='app.ini', re=true, allow_no_value=true) }}"), ['Mixed']);
    assert.equal(render("{{ lookup('ini', 'two type=properties file=app.properties') }}"), '2');
  });

  test("configparser's refusals: a duplicate option, a missing section, a line without a value, bad inline options", () => {
    assert.match(failing("{{ lookup('ini', 'key', section='s', file='dup.ini') }}"), /Duplicate option in 'dup\.ini': .*option 'key' in section 's' already exists/);
    assert.match(failing("{{ lookup('ini', 'key', section='nope', file='app.ini', allow_no_value=true) }}"), /No section 'nope' in app\.ini/);
    assert.match(failing("{{ lookup('ini', 'flag', section='web', file='app.ini') }}"), /Source contains parsing errors/);
    assert.match(failing("{{ lookup('ini', 'file=app.ini', 'path', section='web') }}"), /No key to lookup was provided as first term with in string inline options: file=app\.ini/);
    assert.match(failing("{{ lookup('ini', 'path colour=red file=app.ini') }}"), /colour is not a valid option\./);
  });
});

describe('the csvfile lookup, as Python csv reads the file', () => {
  test('quoted fields keep delimiters, line breaks and doubled quotes; a quote inside a field is a character; blank lines are empty rows', () => {
    assert.deepEqual(readCsv('a,"b, c",d\r\n\n"x""y",z"w\n"multi\nline",end', ','), [['a', 'b, c', 'd'], [], ['x"y', 'z"w'], ['multi\nline', 'end']]);
    assert.deepEqual(readCsv('k\tv\t\n', '\t'), [['k', 'v', '']]);
  });
});

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { moduleDocs, stringConstant } from '../../src/ansible-modules/documentation.js';
import { controllerAnsible } from '../../src/ansible-modules/controller-ansible.js';
import { findCollectionDir, lookupModule, setLibraryPaths, type ModuleSearch } from '../../src/ansible-modules/lookup.js';
import { importsOf } from '../../src/ansible-modules/module-utils.js';
import { moduleStyle, newStylePayload } from '../../src/ansible-modules/payload.js';
import { betifPlay } from '../helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'betif-ansible-modules-unit-'));
const put = (path: string, text: string, mode = 0o644) => {
  const full = join(work, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  chmodSync(full, mode);
  return full;
};
const search = (overrides: Partial<ModuleSearch> = {}): ModuleSearch => ({ roleDirs: [], playbookDirs: [join(work, 'play')], collections: [], ...overrides });
const foundPath = (name: string, where: ModuleSearch) => {
  const result = lookupModule(name, where);
  return 'found' in result ? result.found.path : undefined;
};

const savedEnv = { library: process.env.ANSIBLE_LIBRARY, collections: process.env.ANSIBLE_COLLECTIONS_PATH };
process.env.ANSIBLE_LIBRARY = join(work, 'env-library');
process.env.ANSIBLE_COLLECTIONS_PATH = join(work, 'collections');

after(() => {
  for (const [key, value] of [['ANSIBLE_LIBRARY', savedEnv.library], ['ANSIBLE_COLLECTIONS_PATH', savedEnv.collections]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('finding a module as Ansible does', () => {
  put('role/library/both.py', '# role\n');
  put('play/library/both.py', '# playbook\n');
  put('play/library/only_play.py', '# playbook\n');
  put('env-library/only_env.py', '# ANSIBLE_LIBRARY\n');
  put('env-library/known_hosts.py', '# a user override of a core module\n');
  put('collections/ansible_collections/acme/tools/plugins/modules/thing.py', '# collection\n');
  put('collections/ansible_collections/acme/tools/plugins/action/acted.py', '# action plugin\n');
  put('collections/ansible_collections/acme/tools/plugins/modules/acted.py', '# collection\n');
  put('collections/ansible_collections/acme/tools/meta/runtime.yml', `
plugin_routing:
  modules:
    old_thing: {redirect: acme.tools.thing}
    gone: {tombstone: {removal_version: 2.0.0, warning_text: use acme.tools.thing instead}}
`);

  test("the role's library/, then the playbook's, then ANSIBLE_LIBRARY, then ansible-core", () => {
    const role = search({ roleDirs: [join(work, 'role')] });
    assert.equal(foundPath('both', role), join(work, 'role/library/both.py'));
    assert.equal(foundPath('both', search()), join(work, 'play/library/both.py'));
    assert.equal(foundPath('only_env', role), join(work, 'env-library/only_env.py'));
    assert.equal(foundPath('known_hosts', search()), join(work, 'env-library/known_hosts.py'));
    assert.equal(foundPath('hostname', search()), join(controllerAnsible()!.packageDir, 'modules', 'hostname.py'));
    assert.equal(foundPath('ansible.builtin.hostname', search()), join(controllerAnsible()!.packageDir, 'modules', 'hostname.py'));
  });

  test('module folders given by the configuration (ansible.cfg library) come after ANSIBLE_LIBRARY', () => {
    put('configured/only_configured.py', '# configured\n');
    put('configured/only_env.py', '# configured\n');
    setLibraryPaths([join(work, 'configured')]);
    try {
      assert.equal(foundPath('only_configured', search()), join(work, 'configured/only_configured.py'));
      assert.equal(foundPath('only_env', search()), join(work, 'env-library/only_env.py'));
    } finally {
      setLibraryPaths([]);
    }
  });

  test('FQCNs map to collection folders, runtime.yml redirects are followed, short names use `collections:`', () => {
    const path = join(work, 'collections/ansible_collections/acme/tools/plugins/modules/thing.py');
    assert.equal(foundPath('acme.tools.thing', search()), path);
    assert.equal(foundPath('acme.tools.old_thing', search()), path);
    assert.equal(foundPath('thing', search()), undefined);
    assert.equal(foundPath('thing', search({ collections: ['acme.tools'] })), path);
    assert.equal(findCollectionDir('acme', 'tools', search()), join(work, 'collections/ansible_collections/acme/tools'));
    const gone = lookupModule('acme.tools.gone', search());
    assert.ok('failure' in gone);
    assert.equal(gone.failure.reason, "the module 'acme.tools.gone' was removed in version 2.0.0: use acme.tools.thing instead");
  });

  test('a controller-side action plugin is noticed; a missing module lists where it was looked for', () => {
    const acted = lookupModule('acme.tools.acted', search());
    assert.ok('found' in acted && acted.found.actionPlugin?.endsWith('plugins/action/acted.py'));
    const missing = lookupModule('acme.tools.nothing', search());
    assert.ok('failure' in missing);
    assert.ok(missing.failure.looked.includes(join(work, 'collections/ansible_collections/acme/tools/plugins/modules/nothing.py')));
  });
});

describe('reading a module statically', () => {
  test('DOCUMENTATION options, with documentation fragments merged in', () => {
    const source = readFileSync(join(controllerAnsible()!.packageDir, 'modules', 'known_hosts.py'), 'utf8');
    const docs = moduleDocs(source, { coreDir: controllerAnsible()!.packageDir, collectionDir: () => undefined });
    assert.ok(docs?.complete);
    assert.deepEqual(docs.options.name.aliases, ['host']);
    assert.deepEqual(docs.options.state.choices, ['absent', 'present']);
    const iniFile = join(findCollectionDir('community', 'general', search())!, 'plugins', 'modules', 'ini_file.py');
    const withFiles = moduleDocs(readFileSync(iniFile, 'utf8'), { coreDir: controllerAnsible()!.packageDir, collectionDir: (ns, coll) => findCollectionDir(ns, coll, search()) });
    assert.ok(withFiles?.options.mode, 'the files fragment brings mode');
    assert.equal(stringConstant("X = '''a'''\nDOCUMENTATION = r'''\nk: \\d\n'''\n", 'DOCUMENTATION'), '\nk: \\d\n');
  });

  test('imports, parenthesized over lines and relative ones, as absolute module names', () => {
    const refs = importsOf(
      [
        'from ansible.module_utils.basic import AnsibleModule',
        'from ansible.module_utils.common.text.converters import (',
        '    to_bytes,  # bytes',
        '    to_native as native,',
        ')',
        'import ansible.module_utils.six as six, os',
        'from ..module_utils.helper import thing',
        'from . import sibling',
      ].join('\n'),
      'ansible_collections/acme/tools/plugins/modules/m.py',
    );
    assert.deepEqual(refs, [
      { module: 'ansible.module_utils.basic', names: ['AnsibleModule'] },
      { module: 'ansible.module_utils.common.text.converters', names: ['to_bytes', 'to_native'] },
      { module: 'ansible_collections.acme.tools.plugins.module_utils.helper', names: ['thing'] },
      { module: 'ansible_collections.acme.tools.plugins.modules', names: ['sibling'] },
      { module: 'ansible.module_utils.six', names: [] },
      { module: 'os', names: [] },
    ]);
  });

  test("a collection module's payload holds its own module_utils and ansible-core's, recursively", async () => {
    const ansible = controllerAnsible()!;
    const found = lookupModule('community.general.timezone', search());
    assert.ok('found' in found);
    const bytes = readFileSync(found.found.path);
    assert.equal(moduleStyle(bytes), 'new');
    const files = Object.keys(unzipSync(await newStylePayload(found.found, bytes, ansible.packageDir, (ns, coll) => findCollectionDir(ns, coll, search()))));
    for (const expected of [
      'ansible/__init__.py',
      'ansible/module_utils/basic.py',
      'ansible/module_utils/common/text/converters.py',
      'ansible/module_utils/six/__init__.py',
      'ansible_collections/__init__.py',
      'ansible_collections/community/general/plugins/modules/timezone.py',
    ]) {
      assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
    }
  });
});

describe('old-style, WANT_JSON and JSON-args modules, on this machine', () => {
  test('each (and a binary one) gets its arguments the way Ansible hands them over; native modules win over a library/ module of the same name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-module-styles-'));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('library/oldstyle', '#!/bin/sh\n. "$1"\necho "{\\"changed\\": false, \\"msg\\": \\"hello $who\\", \\"check\\": \\"$_ansible_check_mode\\"}"\n');
    file('library/wantjson.py', '#!/usr/bin/python3\n# WANT_JSON\nimport json, sys\nargs = json.load(open(sys.argv[1]))\nprint(json.dumps({"changed": True, "got": args["who"]}))\n');
    file('library/jsonargs.py', '#!/usr/bin/python3\nimport json\nARGS = json.loads("""<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>""")\nprint(json.dumps({"changed": False, "got": ARGS["who"]}))\n');
    // A binary module (NUL bytes in it): an executable zip application, run directly with the arguments file.
    const zipapp = zipSync({ '__main__.py': strToU8('import json, sys\nargs = json.load(open(sys.argv[1]))\nprint(json.dumps({"changed": False, "got": args["who"]}))\n') });
    writeFileSync(join(dir, 'library', 'binary'), Buffer.concat([Buffer.from('#!/usr/bin/python3\n'), Buffer.from(zipapp)]));
    file('library/copy.py', '#!/usr/bin/python3\nprint("{\\"failed\\": true, \\"msg\\": \\"the library copy ran\\"}")\n');
    file('play.yml', `
- hosts: localhost
  gather_facts: false
  tasks:
    - {oldstyle: {who: "the world's"}, register: old}
    - {wantjson: {who: json}, register: want}
    - {jsonargs: {who: args}, register: inline}
    - {binary: {who: binary}, register: binary}
    - {copy: {content: "native\\n", dest: "${dir}/copied"}}
    - assert:
        that:
          - old.msg == "hello the world's"
          - old.check == "False"
          - want.got == "json" and want.changed
          - inline.got == "args"
          - binary.got == "binary"
`);
    const run = await betifPlay([join(dir, 'play.yml'), '-v']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(readFileSync(join(dir, 'copied'), 'utf8'), 'native\n');
    assert.doesNotMatch(run.stdout, /Using module file .*copy\.py/);
  });
});

describe('the collections keyword', () => {
  test("applies to a play's tasks and, from meta/main.yml, to a role's; a play's is not inherited by its roles", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-collections-keyword-'));
    const file = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file('collections/ansible_collections/acme/tools/plugins/modules/hello.py', '#!/usr/bin/python3\n# WANT_JSON\nprint(\'{"changed": false, "msg": "hello"}\')\n');
    file('roles/with_meta/meta/main.yml', 'collections: [acme.tools]\n');
    file('roles/with_meta/tasks/main.yml', '- hello: {}\n');
    file('roles/without/tasks/main.yml', '- hello: {}\n');
    file('good.yml', '- hosts: localhost\n  gather_facts: false\n  collections: [acme.tools]\n  roles: [with_meta]\n  tasks: [{hello: {}}]\n');
    file('bad.yml', '- hosts: localhost\n  gather_facts: false\n  collections: [acme.tools]\n  roles: [without]\n');
    const good = await betifPlay([join(dir, 'good.yml')]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /localhost\s+: ok=2 /);
    const bad = await betifPlay([join(dir, 'bad.yml')]);
    assert.equal(bad.code, 4, bad.stdout + bad.stderr);
    assert.match(bad.stderr, /roles\/without\/tasks\/main\.yml:1:3: couldn't resolve module\/action 'hello'/);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { SCHEMA_KINDS, schemaFor } from '../../src/cli/schema-command.js';
import { loadModules, type ModuleRegistry } from '../../src/modules/registry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function yamlFiles(dir: string, accept: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(accept);
}

/** Modules in a `library/` folder (the case's or a role's) are known only when the playbook runs: runtime-only for editors. */
const usesLibraryModules = (file: string): boolean => {
  const cases = join(ROOT, 'test/compat/cases');
  if (!file.startsWith(`${cases}/`)) return false;
  const caseDir = join(cases, relative(cases, file).split('/')[0]);
  return readdirSync(caseDir, { withFileTypes: true, recursive: true }).some((entry) => entry.isDirectory() && entry.name === 'library');
};

/** Cases that give a module wrong arguments on purpose, to compare the messages of a run: an editor flags them, as it should. */
const WRONG_ON_PURPOSE = ['516-fetch-action-argument-messages'];
const isWrongOnPurpose = (file: string): boolean => WRONG_ON_PURPOSE.some((name) => file.includes(`/test/compat/cases/${name}/`));

const isTasksFile = (file: string): boolean => /\/(tasks|handlers)\/[^/]+\.ya?ml$/.test(file);

describe('editor schemas (betif-play schema)', () => {
  let registry: ModuleRegistry;
  let playbook: ValidateFunction;
  let tasks: ValidateFunction;

  before(async () => {
    registry = await loadModules();
    // inlineRefs off: every task list (tasks, block, rescue, handlers...) refers to the same module definitions, and
    // inlined they are compiled again at each place (7 s instead of 1 s for the two schemas).
    const ajv = new Ajv({ strict: false, allErrors: false, inlineRefs: false });
    playbook = ajv.compile(schemaFor('playbook', registry));
    tasks = ajv.compile(schemaFor('tasks', registry));
  });

  test('the committed schemas/ are what `betif-play schema all --out schemas` writes', () => {
    for (const kind of SCHEMA_KINDS) {
      const committed = readFileSync(join(ROOT, 'schemas', `${kind}.json`), 'utf8');
      assert.equal(committed, `${JSON.stringify(schemaFor(kind, registry), null, 2)}\n`, `schemas/${kind}.json is stale: run npm run schemas`);
    }
  });

  test('every playbook, role and compat case in the repository validates', () => {
    const files = [
      ...yamlFiles(join(ROOT, 'playbooks'), () => true),
      ...yamlFiles(join(ROOT, 'roles'), isTasksFile),
      ...yamlFiles(join(ROOT, 'test/compat/cases'), (file) => /\/playbook\.ya?ml$/.test(file) || isTasksFile(file)),
    ].filter((file) => !usesLibraryModules(file) && !isWrongOnPurpose(file));
    assert.ok(files.length > 100, String(files.length));
    const invalid = files.filter((file) => {
      const validate = isTasksFile(file) ? tasks : playbook;
      return !validate(parse(readFileSync(file, 'utf8'), { merge: true }));
    });
    assert.deepEqual(invalid.map((file) => relative(ROOT, file)), []);
  });

  test('templated values stay valid where a number, boolean or choice is expected', () => {
    const play = (tasksList: unknown[], extra: Record<string, unknown> = {}) => [{ hosts: 'all', ...extra, tasks: tasksList }];
    assert.equal(playbook(play([{ copy: { dest: '/srv/x', content: 'x', backup: '{{ keep }}', mode: '{{ mode }}' } }], { serial: '{{ batch }}', gather_facts: '{{ facts }}' })), true, JSON.stringify(playbook.errors));
    assert.equal(playbook(play([{ file: { path: '/srv/x', state: '{{ wanted }}' } }])), true, JSON.stringify(playbook.errors));
    assert.equal(playbook(play([{ 'ansible.builtin.file': 'path=/srv/x state=directory' }])), true);
    assert.equal(playbook(play([{ ping: null }])), true);
  });

  test('what load-time validation refuses, the schema refuses too (or it is known only at run time)', () => {
    const bad: [string, unknown][] = [
      ['unknown argument', [{ hosts: 'all', tasks: [{ copy: { dest: '/x', contnet: 'x' } }] }]],
      ['wrong argument type', [{ hosts: 'all', tasks: [{ lineinfile: { path: '/x', line: 'y', create: 'maybe' } }] }]],
      ['argument not among the choices', [{ hosts: 'all', tasks: [{ file: { path: '/x', state: 'gone' } }] }]],
      ['misspelt task keyword', [{ hosts: 'all', tasks: [{ command: 'true', whenn: true }] }]],
      ['misspelt play keyword', [{ hosts: 'all', taks: [] }]],
      ['play without hosts', [{ tasks: [] }]],
      ['register that is not a name', [{ hosts: 'all', tasks: [{ command: 'true', register: 'not a name' }] }]],
      ['unknown meta action', [{ hosts: 'all', tasks: [{ meta: 'flush_everything' }] }]],
      ['unknown module', [{ hosts: 'all', tasks: [{ copi: { dest: '/x' } }] }]],
    ];
    for (const [what, document] of bad) assert.equal(playbook(document), false, what);
    // Known only when the playbook runs (documented in the README): a missing required argument given through
    // `args:` or k=v text, an undefined variable, a module from a library/ folder.
  });
});

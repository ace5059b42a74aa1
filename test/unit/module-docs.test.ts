import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { indexPage, modulePage, pageName } from '../../src/docs/markdown.js';
import { allModuleDocs, moduleDoc, namesByModule } from '../../src/docs/module-doc.js';
import { listText, moduleText } from '../../src/docs/text.js';
import type { Module } from '../../src/modules/contract.js';
import { loadModules, type ModuleRegistry } from '../../src/modules/registry.js';
import { allowTemplates } from '../../src/schema/templated.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');

describe('module documentation (betif-play doc, docs/modules/)', () => {
  let registry: ModuleRegistry;
  let modules: Module[];

  before(async () => {
    registry = await loadModules();
    modules = [...namesByModule(registry).keys()];
  });

  test('every module has a summary, examples, return values and a description for every argument', () => {
    const problems: string[] = [];
    for (const module of modules) {
      const label = `${module.namespace ?? 'ansible.builtin'}.${module.name}`;
      if (typeof module.schema.description !== 'string' || module.schema.description.length < 10) problems.push(`${label}: no summary (schema description)`);
      if (!module.examples?.trim()) problems.push(`${label}: no examples`);
      if (!module.returns) problems.push(`${label}: no returns (give {} when it returns only the common keys)`);
      for (const [name, property] of Object.entries((module.schema.properties ?? {}) as Record<string, { description?: unknown }>)) {
        if (typeof property.description !== 'string' || property.description.length < 10) problems.push(`${label}: argument ${name} has no description`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test("every module's examples are tasks of that module whose arguments its schema accepts", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const problems: string[] = [];
    for (const module of modules) {
      const names = new Set(namesByModule(registry).get(module));
      const validate = ajv.compile(allowTemplates(module.schema) as object);
      const tasks = parse(module.examples ?? '[]') as Record<string, unknown>[];
      assert.ok(Array.isArray(tasks), `${module.name}: examples are not a list of tasks`);
      // Tasks of other modules may show what to do with the result; at least one task must use this module.
      const own = tasks.map((task) => [task, Object.keys(task).find((name) => names.has(name))] as const).filter(([, key]) => key !== undefined);
      if (own.length === 0) problems.push(`${module.name}: no example uses the module`);
      for (const [task, key] of own) {
        const args = task[key as string];
        if (typeof args === 'object' && args !== null && !validate(args)) problems.push(`${module.name}: example "${String(task.name)}": ${ajv.errorsText(validate.errors)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the committed docs/modules/ are what `npm run docs` writes', () => {
    const docs = allModuleDocs(registry);
    const folder = join(ROOT, 'docs', 'modules');
    const expected = new Map([...docs.map((doc) => [pageName(doc), modulePage(doc)] as const), ['README.md', indexPage(docs)]]);
    assert.deepEqual(readdirSync(folder).sort(), [...expected.keys()].sort(), 'docs/modules/ has other pages than the modules: run npm run docs');
    for (const [file, text] of expected) assert.equal(readFileSync(join(folder, file), 'utf8'), text, `docs/modules/${file} is stale: run npm run docs`);
  });

  test('doc MODULE shows options with type, default, choices and aliases, examples and return values, as ansible-doc', () => {
    const lineinfile = registry.find('lineinfile');
    assert.ok(lineinfile);
    const text = moduleText(moduleDoc(lineinfile, namesByModule(registry).get(lineinfile) ?? []));
    assert.match(text, /^> ANSIBLE\.BUILTIN\.LINEINFILE /);
    assert.match(text, /names: lineinfile, ansible\.builtin\.lineinfile/);
    assert.match(text, /^= path\n(?: {8}.*\n)*? {8}aliases: \[ dest, destfile, name \]\n(?: {8}.*\n)*? {8}type: str\n/m);
    assert.match(text, /^- state\n(?: {8}.*\n)*? {8}choices: \[ present, absent \]\n {8}default: present\n/m);
    assert.match(text, /^EXAMPLES:\n\n- name: /m);
    assert.match(text, /^RETURN VALUES:\n/m);
  });

  test('doc --list names every module with its FQCN, other names and summary', () => {
    const text = listText(allModuleDocs(registry));
    assert.equal(text.trimEnd().split('\n').length, modules.length);
    assert.match(text, /^ansible\.builtin\.copy +\S.* \(also: copy\)$/m);
    assert.match(text, /^betif\.platform\.modprobe +\S.*community\.general\.modprobe/m);
  });
});

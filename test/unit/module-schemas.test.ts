import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { loadModules } from '../../src/modules/registry.js';
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from '../../src/playbook/keywords.js';

// A run compiles its schemas without checking them against JSON Schema's meta-schema (it is slow to start); this checks them all once.
const strictAjv = new Ajv({ allErrors: true, useDefaults: true, strict: false, validateSchema: true });

test('every module schema is a valid JSON Schema', async () => {
  const registry = await loadModules();
  const modules = new Set(registry.names().map((name) => registry.find(name)));
  assert.ok(modules.size > 20);
  for (const module of modules) {
    assert.ok(module);
    assert.equal(strictAjv.validateSchema(module.schema), true, `${module.name}: ${strictAjv.errorsText(strictAjv.errors)}`);
  }
});

test('the play, block and task keyword schemas are valid JSON Schemas', () => {
  for (const keywords of [PLAY_KEYWORDS, BLOCK_KEYWORDS, TASK_KEYWORDS]) {
    const schema = { type: 'object', properties: keywords };
    assert.equal(strictAjv.validateSchema(schema), true, strictAjv.errorsText(strictAjv.errors));
  }
});

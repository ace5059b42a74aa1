import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { validateXML } from 'xmllint-wasm';
import { betifPlay } from '../helpers/cli.js';

const XSD = fileURLToPath(new URL('../../../test/fixtures/junit/junit.xsd', import.meta.url));

const PLAYBOOK = `
- name: drift check
  hosts: all
  gather_facts: false
  tasks:
    - name: a file
      copy: {dest: "{{ work }}/{{ inventory_hostname }}.conf", content: "port={{ port | default(80) }}\\n"}
    - name: only on the first
      debug: {msg: hello}
      when: inventory_hostname == 'one'
    - name: a secret
      command: echo s3cr3t-value
      no_log: true
      changed_when: false
    - name: a failure
      fail: {msg: "planned <failure> & more"}
      when: inventory_hostname == 'two'
`;

interface Case {
  '@_name': string;
  '@_classname': string;
  failure?: { '@_message': string; '@_type': string };
  skipped?: string;
  'system-out'?: string;
}

describe('--junit FILE: a JUnit XML report', () => {
  let work: string;
  let inventory: string;
  let playbook: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'betif-junit-'));
    inventory = join(work, 'hosts.ini');
    // "gone" refuses connections at once: an unreachable host.
    writeFileSync(inventory, `one ansible_connection=local\ntwo ansible_connection=local\ngone ansible_host=127.0.0.1 ansible_port=1\n[all:vars]\nwork=${work}\n`);
    playbook = join(work, 'site.yml');
    writeFileSync(playbook, PLAYBOOK);
  });

  async function report(args: string[]): Promise<{ xml: string; cases: Case[]; suite: Record<string, string>; code: number }> {
    const file = join(work, `report-${args.join('')}.xml`);
    const run = await betifPlay([playbook, '-i', inventory, '--junit', file, ...args]);
    const xml = readFileSync(file, 'utf8');
    const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(xml);
    return { xml, cases: parsed.testsuites.testsuite.testcase as Case[], suite: parsed.testsuites.testsuite, code: run.code };
  }

  test('is valid against the JUnit XSD: one testcase per task and host, failures, skips, and unreachable hosts as failures', async () => {
    const { xml, cases, suite, code } = await report([]);
    // A failed host and an unreachable one: 4, as ansible-playbook 2.14 exits.
    assert.equal(code, 4);
    const validation = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: readFileSync(XSD, 'utf8') }] });
    assert.deepEqual(validation.errors, []);
    assert.equal(suite['@_name'], 'site');
    const byName = new Map(cases.map((testCase) => [testCase['@_name'], testCase]));
    assert.match(byName.get('[one] drift check: a file')?.['@_classname'] ?? '', /site\.yml:6$/);
    assert.equal(byName.get('[two] drift check: only on the first')?.skipped, 'Conditional result was False');
    assert.deepEqual(byName.get('[two] drift check: a failure')?.failure?.['@_message'], 'planned <failure> & more');
    assert.equal(byName.get('[gone] drift check: a file')?.failure?.['@_type'], 'unreachable');
    assert.equal(suite['@_failures'], '2');
    assert.equal(suite['@_tests'], String(cases.length));
  });

  test('a no_log result stays hidden in the report', async () => {
    const { xml } = await report([]);
    assert.doesNotMatch(xml, /s3cr3t-value/);
    assert.match(xml, /the output has been hidden due to the fact that &apos;no_log: true&apos; was specified for this result|no_log: true/);
  });

  test('--junit-fail-on-change under --check turns drift into failures', async () => {
    const { cases } = await report(['--check', '--junit-fail-on-change', '--limit', 'one', '-e', 'port=81']);
    const drift = cases.find((testCase) => testCase['@_name'] === '[one] drift check: a file');
    assert.equal(drift?.failure?.['@_type'], 'changed');
    assert.equal(cases.find((testCase) => testCase['@_name'] === '[one] drift check: only on the first')?.failure, undefined);
  });
});

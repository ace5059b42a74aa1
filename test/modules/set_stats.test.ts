import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { betifPlay, localProject } from '../helpers/cli.js';

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - set_stats: {data: {deployed: 1, services: [web], owners: {web: ops}, note: a}}
    - set_stats: {data: {deployed: 2, services: ["{{ inventory_hostname }}"], owners: {db: dba}, note: b, mismatch: 1}}
    - set_stats: {data: {mismatch: text}}
    - set_stats: {data: {seen: "{{ inventory_hostname }}"}, per_host: true}
    - set_stats: {data: {replaced: 1}}
    - set_stats: {data: {replaced: 10}, aggregate: false}
`;

describe('set_stats', () => {
  test('with show_custom_stats, the statistics follow the recap as Ansible prints them (added up, per host, replaced)', async () => {
    const work = localProject(PLAYBOOK);
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini')], { env: { ANSIBLE_SHOW_CUSTOM_STATS: 'true' } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const tail = run.stdout.slice(run.stdout.indexOf('\n\nCUSTOM STATS:'));
    assert.equal(tail, [
      '',
      '',
      `CUSTOM STATS: ${'*'.repeat(66)}`,
      '\th1: { "seen": "h1"}',
      '',
      '\tRUN: { "deployed": 3, "mismatch": 1, "note": "ab", "owners": {  "db": "dba",  "web": "ops" }, "replaced": 10, "services": [  "web",  "h1" ]}',
      '',
      '',
    ].join('\n'));
    const quiet = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini')]);
    assert.doesNotMatch(quiet.stdout, /CUSTOM STATS/);
  });

  test('the --json document carries them as Ansible\'s json callback does', async () => {
    const work = localProject(PLAYBOOK);
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini'), '--json'], { env: { ANSIBLE_SHOW_CUSTOM_STATS: 'true' } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(document.custom_stats, { h1: { seen: 'h1' } });
    assert.deepEqual((document.global_custom_stats as Record<string, unknown>).services, ['web', 'h1']);
  });
});

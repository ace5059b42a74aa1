import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { betifPlay } from '../helpers/cli.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
// Flags for a sandboxed root session on a machine without network (see the README's "Tests").
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const PLAYBOOK = `
- name: report demo
  hosts: all
  gather_facts: false
  tasks:
    - name: a file
      copy: {dest: "{{ work }}/{{ inventory_hostname }}.conf", content: "port=81\\n"}
    - name: a secret
      command: echo hunter2-secret
      no_log: true
      changed_when: false
    - name: only on one
      debug: {msg: hello}
      when: inventory_hostname == 'one'
    - name: fail on two
      fail: {msg: "planned </script><b>failure</b>"}
      when: inventory_hostname == 'two'
`;

describe('--report FILE.html: a self-contained run report', () => {
  let work: string;
  let html: string;
  let file: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'betif-report-'));
    writeFileSync(join(work, 'hosts.ini'), `one ansible_connection=local\ntwo ansible_connection=local\ngone ansible_host=127.0.0.1 ansible_port=1\n[all:vars]\nwork=${work}\n`);
    writeFileSync(join(work, 'site.yml'), PLAYBOOK);
    file = join(work, 'report.html');
    const run = await betifPlay([join(work, 'site.yml'), '-i', join(work, 'hosts.ini'), '--diff', '--report', file]);
    // A failed host and an unreachable one: 4, as ansible-playbook 2.14 exits.
    assert.equal(run.code, 4, run.stdout + run.stderr);
    html = readFileSync(file, 'utf8');
  });

  test('is one owner-only file that loads nothing from the network and holds no no_log value', () => {
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src="?http/);
    assert.doesNotMatch(html, /hunter2-secret/);
  });

  test('shows every host and task in a real browser without console errors; a screenshot is kept', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(String(error)));
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);
      await page.waitForSelector('#matrix');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [`file://${file}`]);
      const text = await page.innerText('#report');
      for (const host of ['one', 'two', 'gone']) assert.match(text, new RegExp(`\\b${host}\\b`));
      for (const task of ['a file', 'a secret', 'only on one', 'fail on two']) assert.ok(text.includes(task), task);
      assert.match(text, /1 host\(s\) failed, 1 unreachable/);
      // The failure's own text is shown as text, never as markup.
      assert.ok(text.includes('planned </script><b>failure</b>'));
      assert.equal(await page.locator('#matrix td.failed').count(), 1);
      assert.equal(await page.locator('#matrix td.unreachable').count(), 1);
      assert.ok((await page.locator('#timeline').boundingBox())?.height ?? 0 > 100);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import uri from '../../src/modules/net/uri.js';
import { labPlaybooks, type LabPlaybooks } from '../helpers/lab-playbook.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z');
const PASSWORD = 'uri-s3cret-PW';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A small web service: JSON, an echo of the request, redirects, basic auth, a static file with 304s. */
function startServer(seen: Seen[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const json = (status: number, value: unknown, headers: Record<string, string | string[]> = {}) => {
        const text = JSON.stringify(value);
        response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers }).end(text);
      };
      if (request.url === '/api/items') return json(200, { items: ['a', 'b'] });
      if (request.url === '/echo') return json(201, { method: request.method, body, type: request.headers['content-type'] ?? null, agent: request.headers['user-agent'] }, { 'Set-Cookie': ['sid=abc; Path=/', 'theme=dark'] });
      if (request.url === '/moved') return response.writeHead(302, { Location: '/api/items' }).end();
      if (request.url === '/private') {
        if (request.headers.authorization !== `Basic ${Buffer.from(`deploy:${PASSWORD}`).toString('base64')}`) return response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
        return json(200, { user: 'deploy' });
      }
      if (request.url === '/file.txt') {
        const since = request.headers['if-modified-since'];
        if (since && new Date(since) >= LAST_MODIFIED) return response.writeHead(304).end();
        return response.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': LAST_MODIFIED.toUTCString() }).end('file v1\n');
      }
      return response.writeHead(404, 'Not Found').end('no such page');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('uri', () => {
  const seen: Seen[] = [];
  let server: Server;
  let url: string;

  before(async () => {
    ({ server, url } = await startServer(seen));
  });

  after(() => {
    server?.close();
  });

  test('GET returns status, headers and parsed JSON, and is never a change', async () => {
    const { result } = await runModule(uri, { url: `${url}/api/items` });
    assert.equal(result.changed, false);
    assert.equal(result.status, 200);
    assert.deepEqual(result.json, { items: ['a', 'b'] });
    assert.equal(result.msg, 'OK (19 bytes)');
    assert.equal(result.content_type, 'application/json');
    assert.equal(result.content_length, '19');
    assert.deepEqual([result.redirected, result.url, result.cookies, result.cookies_string], [false, `${url}/api/items`, {}, '']);
    assert.equal(result.content, undefined);
    assert.equal(seen.at(-1)?.headers['user-agent'], 'ansible-httpget');
  });

  test('bodies are encoded as json or form-urlencoded, with their Content-Type; cookies are returned', async () => {
    const json = await runModule(uri, { url: `${url}/echo`, method: 'POST', body_format: 'json', body: { name: 'web', ports: [80, 443] }, status_code: [200, 201] });
    assert.equal(json.result.status, 201);
    assert.deepEqual(json.result.json, { method: 'POST', body: '{"name": "web", "ports": [80, 443]}', type: 'application/json', agent: 'ansible-httpget' });
    assert.deepEqual(json.result.cookies, { sid: 'abc', theme: 'dark' });
    assert.equal(json.result.cookies_string, 'sid=abc; theme=dark');
    assert.equal(json.result.set_cookie, 'sid=abc; Path=/, theme=dark');
    const form = await runModule(uri, { url: `${url}/echo`, method: 'put', body_format: 'form-urlencoded', body: { q: 'a b&c', tag: ['x', 'y'], flag: true }, status_code: '201', return_content: true });
    assert.deepEqual(form.result.json, { method: 'PUT', body: 'q=a+b%26c&tag=x&tag=y&flag=True', type: 'application/x-www-form-urlencoded', agent: 'ansible-httpget' });
    assert.equal(typeof form.result.content, 'string');
    const raw = await runModule(uri, { url: `${url}/echo`, method: 'POST', body: '@/etc/passwd', headers: { 'Content-Type': 'text/plain' }, status_code: 201 });
    assert.deepEqual(raw.result.json, { method: 'POST', body: '@/etc/passwd', type: 'text/plain', agent: 'ansible-httpget' });
  });

  test('redirects: followed for GET, refused for POST by default (safe), with an absolute location', async () => {
    const followed = await runModule(uri, { url: `${url}/moved` });
    assert.deepEqual([followed.result.status, followed.result.redirected, followed.result.url], [200, true, `${url}/api/items`]);
    const refused = await runModule(uri, { url: `${url}/moved`, method: 'POST', body: 'x' });
    assert.equal(refused.result.failed, true);
    assert.equal(refused.result.msg, 'Status code was 302 and not [200]: HTTP Error 302: Found');
    assert.equal(refused.result.location, `${url}/api/items`);
    const none = await runModule(uri, { url: `${url}/moved`, follow_redirects: 'none', status_code: [302] });
    assert.deepEqual([none.result.failed, none.result.status], [undefined, 302]);
  });

  test('failures carry Ansible\'s messages; an accepted status is not a failure', async () => {
    const missing = await runModule(uri, { url: `${url}/nope`, return_content: true });
    assert.deepEqual([missing.result.failed, missing.result.msg, missing.result.status, missing.result.content], [true, 'Status code was 404 and not [200]: HTTP Error 404: Not Found', 404, 'no such page']);
    const accepted = await runModule(uri, { url: `${url}/nope`, status_code: [200, 404] });
    assert.deepEqual([accepted.result.failed, accepted.result.status], [undefined, 404]);
    const refused = await runModule(uri, { url: 'http://127.0.0.1:9/x' });
    assert.equal(refused.result.msg, 'Status code was -1 and not [200]: Request failed: <urlopen error [Errno 111] Connection refused>');
    const method = await runModule(uri, { url: `${url}/api/items`, method: 'GET; rm' });
    assert.equal(method.result.msg, "Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
  });

  test('credentials reach the server and never the result', async () => {
    const { result } = await runModule(uri, { url: `${url}/private`, url_username: 'deploy', url_password: PASSWORD, return_content: true });
    assert.equal(result.status, 200, JSON.stringify(result));
    assert.doesNotMatch(JSON.stringify(result), new RegExp(PASSWORD));
    const forced = await runModule(uri, { url: `${url}/private`, user: 'deploy', password: PASSWORD, force_basic_auth: true });
    assert.equal(forced.result.status, 200);
  });

  test('dest: written once, then If-Modified-Since answers 304 (a failure unless 304 is accepted), as Ansible does', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'file.txt');
    const first = await runModule(uri, { url: `${url}/file.txt`, dest, mode: '0600' });
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'file v1\n');
    assert.equal(statSync(dest).mode & 0o777, 0o600);
    assert.deepEqual([first.result.path, first.result.mode, first.result.size], [dest, '0600', 8]);
    const again = await runModule(uri, { url: `${url}/file.txt`, dest });
    assert.equal(again.result.msg, 'Status code was 304 and not [200]: HTTP Error 304: Not Modified');
    const accepted = await runModule(uri, { url: `${url}/file.txt`, dest, status_code: [200, 304] });
    assert.deepEqual([accepted.result.changed, accepted.result.failed], [false, undefined]);
    await runModule(uri, { url: `${url}/file.txt`, dest: dir });
    assert.equal(readFileSync(join(dir, 'file.txt'), 'utf8'), 'file v1\n');
    assert.deepEqual(readdirSync(process.env.TMPDIR ?? '/tmp').filter((name) => name.startsWith('betif-uri.')), []);
  });

  test('creates/removes skip the request; check mode skips the task as Ansible does', async () => {
    const before = seen.length;
    const created = await runModule(uri, { url: `${url}/api/items`, creates: '/' });
    assert.deepEqual([created.result.changed, created.result.stdout], [false, "skipped, since '/' exists"]);
    const removed = await runModule(uri, { url: `${url}/api/items`, removes: '/no/such/path' });
    assert.equal(removed.result.stdout, "skipped, since '/no/such/path' does not exist");
    const check = await runModule(uri, { url: `${url}/echo`, method: 'POST' }, { check: true });
    assert.deepEqual([check.result.skipped, check.result.msg], [true, 'remote module (ansible.legacy.uri) does not support check mode']);
    assert.equal(seen.length, before);
  });

  test('bad arguments fail at load time; URLs and headers are data', async () => {
    await assert.rejects(runModule(uri, { method: 'GET' }), /missing required argument 'url'/);
    await assert.rejects(runModule(uri, { url: 'x', body_format: 'yaml' }), ArgumentError);
    await assert.rejects(runModule(uri, { url: 'x', status_codes: [200] }), /did you mean 'status_code'/);
    const tag = `pwned-uri-${process.pid}`;
    const dir = scratchDir();
    const { result } = await runModule(uri, { url: `${url}/api/items?$(touch$\{IFS\}${join(dir, tag)})`, headers: { 'X-A': `"; touch ${join(dir, tag)}-K /etc/passwd` }, status_code: [404] });
    assert.equal(result.status, 404);
    assert.match(seen.at(-1)?.url ?? '', /^\/api\/items\?\$\(touch/);
    assert.equal(existsSync(join(dir, tag)), false);
  });
});

describe('uri on a lab host over SSH', () => {
  let lab: LabPlaybooks;
  let server: Server;
  let url: string;
  const seen: Seen[] = [];

  before(async () => {
    ({ server, url } = await startServer(seen));
    lab = await labPlaybooks('uri', 3360);
  });

  after(async () => {
    server?.close();
    await lab?.stop();
  });

  test('calls the service from the host; --check skips it; the password is never printed; a second run is ok', async () => {
    const playbook =
      `- hosts: all\n  gather_facts: false\n  tasks:\n` +
      `    - uri:\n        url: ${url}/private\n        url_username: deploy\n        url_password: ${PASSWORD}\n      register: who\n` +
      `    - uri: {url: "${url}/echo", method: POST, body_format: json, body: {host: "{{ inventory_hostname }}"}, status_code: 201}\n      register: posted\n` +
      `    - debug: {msg: "{{ who.json.user }} {{ posted.json.body }}"}\n      when: who is not skipped\n`;
    const check = await lab.play(playbook, ['--check']);
    assert.equal(check.code, 0, check.stdout);
    assert.equal(check.recap.h1.skipped, 3, check.stdout);
    assert.equal(seen.length, 0);
    const first = await lab.play(playbook, ['-vvv']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.equal(first.recap.h1.changed, 0);
    assert.match(first.stdout, /"msg": "deploy \{\\"host\\": \\"h1\\"\}"/);
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(PASSWORD));
    assert.equal(seen.at(-1)?.headers['user-agent'], 'ansible-httpget');
  });
});

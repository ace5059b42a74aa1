import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError } from '../../src/modules/args.js';
import getUrl from '../../src/modules/net/get_url.js';
import { betifPlay, parseRecap } from '../helpers/cli.js';
import { labPort, startLab, type Lab } from '../helpers/lab.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const PAYLOAD = 'payload v1\n';
const SHA256 = createHash('sha256').update(PAYLOAD).digest('hex');
const SHA1 = createHash('sha1').update(PAYLOAD).digest('hex');
const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z');

/** A small HTTP server: files, a checksum list, basic auth, a download with Content-Disposition, and 304s. */
function startServer(requests: IncomingMessage[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    requests.push(request);
    const since = request.headers['if-modified-since'];
    if (request.url === '/file.txt') {
      if (since && new Date(since) >= LAST_MODIFIED) return response.writeHead(304).end();
      return response.writeHead(200, { 'Content-Length': PAYLOAD.length, 'Last-Modified': LAST_MODIFIED.toUTCString() }).end(request.method === 'HEAD' ? undefined : PAYLOAD);
    }
    if (request.url === '/SHA256SUMS') return response.end(`${'0'.repeat(64)}  other.txt\n${SHA256}  file.txt\n`);
    if (request.url === '/download?id=7') return response.writeHead(200, { 'Content-Disposition': 'attachment; filename="report.csv"' }).end('a,b\n');
    if (request.url === '/private.txt') {
      if (request.headers.authorization !== `Basic ${Buffer.from('deploy:s3cret-PW').toString('base64')}`) return response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
      return response.end(`token for ${request.headers['x-team']}\n`);
    }
    return response.writeHead(404, 'Not Found').end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('get_url', () => {
  const requests: IncomingMessage[] = [];
  let server: Server;
  let url: string;

  before(async () => {
    ({ server, url } = await startServer(requests));
  });

  after(() => {
    server?.close();
  });

  test('downloads to a file once (If-Modified-Since answers 304 afterwards), with Ansible\'s result', async () => {
    const dest = join(scratchDir(), 'file.txt');
    const first = await runModule(getUrl, { url: `${url}/file.txt`, dest, mode: '0640' });
    assert.equal(first.result.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), PAYLOAD);
    assert.equal(statSync(dest).mode & 0o777, 0o640);
    assert.equal(first.result.msg, `OK (${PAYLOAD.length} bytes)`);
    assert.equal(first.result.status_code, 200);
    assert.equal(first.result.checksum_src, SHA1);
    assert.equal(first.result.checksum_dest, null);
    assert.equal(first.result.md5sum, createHash('md5').update(PAYLOAD).digest('hex'));
    assert.equal(first.result.mode, '0640');
    const second = await runModule(getUrl, { url: `${url}/file.txt`, dest, mode: '0640' });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.msg, 'HTTP Error 304: Not Modified');
    assert.ok(requests.at(-1)?.headers['if-modified-since']);
    const forced = await runModule(getUrl, { url: `${url}/file.txt`, dest, force: true });
    assert.equal(forced.result.changed, false);
    assert.equal(forced.result.checksum_dest, SHA1);
  });

  test('a checksum (hex or a list at a URL) decides without downloading once the file matches', async () => {
    const dir = scratchDir();
    const dest = join(dir, 'app.txt');
    const first = await runModule(getUrl, { url: `${url}/file.txt`, dest, checksum: `sha256:${SHA256}` });
    assert.equal(first.result.changed, true);
    const before = requests.length;
    const second = await runModule(getUrl, { url: `${url}/file.txt`, dest, checksum: `sha256:${url}/SHA256SUMS` });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.msg, 'file already exists');
    assert.equal(requests.length, before + 1, 'only the checksum list was fetched');
    const bad = await runModule(getUrl, { url: `${url}/file.txt`, dest: join(dir, 'bad.txt'), checksum: 'sha256:abc123' });
    assert.equal(bad.result.failed, true);
    assert.equal(bad.result.msg, `The checksum for ${join(dir, 'bad.txt')} did not match abc123; it was ${SHA256}.`);
    assert.equal(existsSync(join(dir, 'bad.txt')), false);
    const format = await runModule(getUrl, { url: `${url}/file.txt`, dest, checksum: 'abc' });
    assert.equal(format.result.msg, 'The checksum parameter has to be in format <algorithm>:<checksum>');
    const listed = await runModule(getUrl, { url: `${url}/missing.txt`, dest, checksum: `sha256:${url}/SHA256SUMS` });
    assert.equal(listed.result.msg, `Unable to find a checksum for file 'missing.txt' in '${url}/SHA256SUMS'`);
  });

  test('a folder dest takes the name from Content-Disposition or the URL', async () => {
    const dir = scratchDir();
    const report = await runModule(getUrl, { url: `${url}/download?id=7`, dest: dir });
    assert.equal(report.result.dest, join(dir, 'report.csv'));
    assert.equal(readFileSync(join(dir, 'report.csv'), 'utf8'), 'a,b\n');
    await runModule(getUrl, { url: `${url}/file.txt`, dest: `${dir}/` });
    assert.equal(readFileSync(join(dir, 'file.txt'), 'utf8'), PAYLOAD);
  });

  test('credentials and headers reach the server and never the result', async () => {
    const dest = join(scratchDir(), 'token.txt');
    const { result } = await runModule(getUrl, { url: `${url}/private.txt`, dest, url_username: 'deploy', url_password: 's3cret-PW', headers: { 'X-Team': 'ops' } });
    assert.equal(result.changed, true, JSON.stringify(result));
    assert.equal(readFileSync(dest, 'utf8'), 'token for ops\n');
    assert.doesNotMatch(JSON.stringify(result), /s3cret/);
    const refused = await runModule(getUrl, { url: `${url}/private.txt`, dest: join(scratchDir(), 'x'), url_username: 'deploy', password: 'wrong' });
    assert.deepEqual([refused.result.msg, refused.result.status_code, refused.result.response], ['Request failed', 401, 'HTTP Error 401: Unauthorized']);
  });

  test('failures: 404, a refused connection, a missing folder; check mode downloads nothing', async () => {
    const dir = scratchDir();
    const missing = await runModule(getUrl, { url: `${url}/nope`, dest: join(dir, 'x') });
    assert.deepEqual([missing.result.msg, missing.result.status_code, missing.result.response], ['Request failed', 404, 'HTTP Error 404: Not Found']);
    const refused = await runModule(getUrl, { url: 'http://127.0.0.1:9/x', dest: join(dir, 'x') });
    assert.equal(refused.result.msg, 'Request failed: <urlopen error [Errno 111] Connection refused>');
    const noFolder = await runModule(getUrl, { url: `${url}/file.txt`, dest: join(dir, 'sub', 'x') });
    assert.equal(noFolder.result.msg, `Destination ${join(dir, 'sub')} does not exist`);
    const check = await runModule(getUrl, { url: `${url}/file.txt`, dest: join(dir, 'x') }, { check: true });
    assert.equal(check.result.changed, true);
    assert.equal(requests.at(-1)?.method, 'HEAD');
    assert.deepEqual(readdirSync(dir), []);
    assert.deepEqual(readdirSync(process.env.TMPDIR ?? '/tmp').filter((name) => name.startsWith('betif-download.')), []);
  });

  test('bad arguments fail at load time; URLs and names are data', async () => {
    await assert.rejects(runModule(getUrl, { url: `${url}/file.txt` }), /missing required argument 'dest'/);
    await assert.rejects(runModule(getUrl, { url: 'x', dest: '/tmp/x', timeout: 'soon' }), ArgumentError);
    await assert.rejects(runModule(getUrl, { url: 'x', dest: '/tmp/x', checksums: 'x' }), /did you mean 'checksum'/);
    const tag = `pwned-${process.pid}`;
    const dir = scratchDir();
    await runModule(getUrl, { url: `${url}/file.txt?$(touch ${tag})`, dest: join(dir, `;touch ${tag}`), headers: { 'X-A': `"; touch ${tag}` } });
    assert.equal(existsSync(join(process.cwd(), tag)), false);
    assert.equal(existsSync(join(dir, tag)), false);
  });
});

describe('get_url on a lab host over SSH', () => {
  let lab: Lab;
  let base: string[];
  let server: Server;
  let dest: string;

  before(async () => {
    let url: string;
    ({ server, url } = await startServer([]));
    lab = await startLab(1, { basePort: labPort(2860), dir: join(tmpdir(), 'betif-lab-get-url') });
    mkdirSync(join(lab.hosts[0].root, 'srv', 'dl'), { recursive: true });
    dest = join(lab.hosts[0].root, 'srv', 'dl', 'token.txt');
    const work = mkdtempSync(join(tmpdir(), 'betif-get-url-play-'));
    writeFileSync(
      join(work, 'site.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - get_url:\n        url: ${url}/private.txt\n        dest: /srv/dl/token.txt\n        url_username: deploy\n        url_password: s3cret-PW\n        headers: {X-Team: lab}\n        mode: '0600'\n`,
    );
    base = [join(work, 'site.yml'), '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];
  });

  after(async () => {
    server?.close();
    await lab?.stop();
  });

  test('downloads on the host, once; --check writes nothing; the password is never printed', async () => {
    const check = await betifPlay([...base, '--check', '-vvv']);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(existsSync(dest), false);
    const first = await betifPlay([...base, '-vvv']);
    assert.equal(parseRecap(first.stdout).h1.changed, 1, first.stdout);
    assert.equal(readFileSync(dest, 'utf8'), 'token for lab\n');
    assert.equal(statSync(dest).mode & 0o777, 0o600);
    assert.doesNotMatch(first.stdout + first.stderr, /s3cret-PW/);
    const second = await betifPlay(base);
    assert.equal(parseRecap(second.stdout).h1.changed, 0, second.stdout);
  });
});

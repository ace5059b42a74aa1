import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import helmRepository from '../../src/modules/kube/helm_repository.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));
const INDEX = 'apiVersion: v1\nentries:\n  hello:\n    - {name: hello, version: 0.1.0, urls: [hello-0.1.0.tgz]}\n';

/** A machine whose helm is the stand-in, with its own state folder. */
function standInHelm() {
  const state = join(scratchDir('betif-helm-repo-'), 'helm');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, HELM_STANDIN_STATE: state };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  const helm = (...args: string[]): string => execFileSync(join(STANDINS, 'helm'), args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { connection, helm };
}

describe('helm_repository', () => {
  let server: Server;
  let url: string;
  let other: string;

  before(async () => {
    const root = scratchDir('betif-chart-repo-');
    for (const name of ['one', 'two']) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'index.yaml'), INDEX);
    }
    server = createServer((request, response) => {
      const file = join(root, request.url ?? '/');
      if (!existsSync(file)) return void response.writeHead(404).end();
      response.end(execFileSync('cat', [file]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}/one`;
    other = `http://127.0.0.1:${port}/two`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('adds a repository, then has nothing to do (with a stand-in)', async () => {
    const { connection, helm } = standInHelm();
    const first = await runModule(helmRepository, { name: 'lab', url }, { connection });
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.repo, { name: 'lab', url });
    assert.deepEqual(first.diff, [{ before: '', after: `lab ${url}\n`, beforeHeader: 'helm repositories' }]);
    assert.deepEqual(JSON.parse(helm('repo', 'list', '-o', 'json')), [{ name: 'lab', url }]);

    const second = await runModule(helmRepository, { name: 'lab', url }, { connection });
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the repository and adds nothing (with a stand-in)', async () => {
    const { connection, helm } = standInHelm();
    const { result } = await runModule(helmRepository, { name: 'lab', url }, { connection, check: true });
    assert.equal(result.changed, true);
    assert.throws(() => helm('repo', 'list', '-o', 'json'), /no repositories to show/);
  });

  test('a repository of the same name with another URL is an error (with a stand-in)', async () => {
    const { connection } = standInHelm();
    await runModule(helmRepository, { name: 'lab', url }, { connection });
    const { result } = await runModule(helmRepository, { name: 'lab', url: other }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, `a helm repository named 'lab' already exists with another URL (${url}, wanted ${other}); remove it first or choose another name`);
  });

  test('state absent removes the repository once (with a stand-in)', async () => {
    const { connection, helm } = standInHelm();
    await runModule(helmRepository, { name: 'lab', url }, { connection });
    await runModule(helmRepository, { name: 'other', url: other }, { connection });
    const removed = await runModule(helmRepository, { name: 'lab', state: 'absent' }, { connection });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(JSON.parse(helm('repo', 'list', '-o', 'json')), [{ name: 'other', url: other }]);
    const again = await runModule(helmRepository, { name: 'lab', state: 'absent' }, { connection });
    assert.equal(again.result.changed, false);
  });

  test('an unreachable repository fails with helm\'s message (with a stand-in)', async () => {
    const { connection } = standInHelm();
    const { result } = await runModule(helmRepository, { name: 'lab', url: `${url}/missing` }, { connection });
    assert.equal(result.failed, true);
    assert.match(String(result.msg), /^helm repo add lab failed: looks like ".*\/missing" is not a valid chart repository or cannot be reached: failed to fetch .*\/missing\/index.yaml : 404/);
  });

  test('a name carrying shell syntax is data, never run (with a stand-in)', async () => {
    const { connection, helm } = standInHelm();
    const name = 'lab; touch /tmp/pwned-helm_repository';
    const { result } = await runModule(helmRepository, { name, url }, { connection });
    assert.equal(result.changed, true);
    assert.deepEqual(JSON.parse(helm('repo', 'list', '-o', 'json')), [{ name, url }]);
    assert.equal(existsSync('/tmp/pwned-helm_repository'), false);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(helmRepository, { name: 'lab', urll: url }), (error: Error) => error instanceof ArgumentError && /unsupported argument 'urll' for module 'helm_repository' \(did you mean 'url'\?\)/.test(error.message));
    await assert.rejects(runModule(helmRepository, { name: 'lab', url: [url] }), /argument 'url' must be string/);
    await assert.rejects(runModule(helmRepository, { url }), /missing required argument 'name' for module 'helm_repository'/);
    await assert.rejects(runModule(helmRepository, { name: 'lab' }), /missing required argument 'url' for module 'helm_repository'/);
    await assert.rejects(runModule(helmRepository, { name: 'lab', url, state: 'gone' }), /argument 'state' must be one of: present, absent/);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import helmRepository from '../../src/modules/kube/kubernetes_core_helm_repository.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

function standInHelm() {
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, HELM_STANDIN_STATE: join(scratchDir('betif-k8s-repo-'), 'helm') };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  /** The repositories helm lists (it fails with "no repositories to show" when there are none). */
  const repositories = (): string => {
    try {
      return execFileSync(join(STANDINS, 'helm'), ['repo', 'list', '-o', 'json'], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' });
    } catch {
      return '[]';
    }
  };
  return { connection, repositories };
}

describe('kubernetes.core.helm_repository', () => {
  let server: Server;
  let url: string;

  before(async () => {
    const root = scratchDir('betif-k8s-chart-repo-');
    mkdirSync(join(root, 'jupyterhub'));
    writeFileSync(join(root, 'jupyterhub', 'index.yaml'), 'apiVersion: v1\nentries: {}\n');
    server = createServer((request, response) => {
      const file = join(root, request.url ?? '/');
      if (!existsSync(file)) return void response.writeHead(404).end();
      response.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jupyterhub`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('adds a repository under the collection\'s names, then has nothing to do; check mode adds nothing (with a stand-in)', async () => {
    const { connection, repositories } = standInHelm();
    const checked = await runModule(helmRepository, { name: 'jupyterhub', repo_url: url }, { connection, check: true });
    assert.equal(checked.result.changed, true);
    assert.equal(checked.diff[0]?.after, `jupyterhub ${url}\n`);
    assert.equal(checked.result.stdout, undefined);
    assert.doesNotMatch(repositories(), /jupyterhub/);

    const first = await runModule(helmRepository, { repo_name: 'jupyterhub', repo_url: url }, { connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.stdout, '"jupyterhub" has been added to your repositories\n');
    assert.match(String(first.result.command), new RegExp(`/helm repo add jupyterhub ${url}$`));
    assert.deepEqual(JSON.parse(repositories()), [{ name: 'jupyterhub', url }]);
    const second = await runModule(helmRepository, { name: 'jupyterhub', url }, { connection });
    assert.equal(second.result.changed, false);
    assert.deepEqual([second.result.repo_name, second.result.repo_url], ['jupyterhub', url]);

    const conflict = await runModule(helmRepository, { name: 'jupyterhub', url: `${url}/` }, { connection });
    assert.deepEqual([conflict.result.failed, conflict.result.msg], [true, 'Repository already have a repository named jupyterhub']);

    const removed = await runModule(helmRepository, { name: 'jupyterhub', repo_state: 'absent' }, { connection });
    assert.equal(removed.result.changed, true);
    assert.doesNotMatch(repositories(), /jupyterhub/);
  });

  test('a password goes to helm on its standard input, never on the command line or in the result (with a stand-in)', async () => {
    const { connection } = standInHelm();
    const { result } = await runModule(helmRepository, { name: 'private', repo_url: url, username: 'reader', password: 's3cret-pass' }, { connection });
    assert.equal(result.changed, true);
    assert.match(String(result.command), /repo add private \S+ --username=reader --password-stdin$/);
    assert.doesNotMatch(JSON.stringify(result), /s3cret-pass/);
  });

  test('the collection\'s required_if and required_together fail the task as Ansible does', async () => {
    const missing = await runModule(helmRepository, { name: 'jupyterhub' });
    assert.deepEqual([missing.result.failed, missing.result.msg], [true, 'repo_state is present but all of the following are missing: repo_url']);
    const alone = await runModule(helmRepository, { name: 'x', url, username: 'u' });
    assert.deepEqual([alone.result.failed, alone.result.msg], [true, 'parameters are required together: repo_username, repo_password']);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(helmRepository, { repo_url: url }), /missing required argument 'repo_name'/);
    await assert.rejects(runModule(helmRepository, { name: 'x', repo_url: url, repo_state: 'gone' }), /argument 'repo_state' must be one of/);
  });
});

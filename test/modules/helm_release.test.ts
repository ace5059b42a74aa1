import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import helmRelease from '../../src/modules/kube/helm_release.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

function writeChart(dir: string, chart: string, values = 'replicas: 1\n'): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), chart);
  writeFileSync(join(dir, 'values.yaml'), values);
  writeFileSync(join(dir, 'templates', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n');
}

/** A chart repository (hello 0.1.0 and 0.2.0) served over http, and local charts app (needing lib) and lib. */
function buildCharts(): { repo: string; local: string } {
  const root = scratchDir('betif-charts-');
  const sources = join(root, 'sources');
  const repo = join(root, 'repo');
  mkdirSync(repo);
  for (const version of ['0.1.0', '0.2.0']) {
    writeChart(join(sources, version, 'hello'), `apiVersion: v2\nname: hello\nversion: ${version}\nappVersion: "${version === '0.1.0' ? '1.0' : '1.1'}"\n`);
    execFileSync('tar', ['-czf', join(repo, `hello-${version}.tgz`), '-C', join(sources, version), 'hello']);
  }
  writeFileSync(join(repo, 'index.yaml'), 'apiVersion: v1\nentries:\n  hello:\n    - {name: hello, version: 0.2.0, appVersion: "1.1", urls: [hello-0.2.0.tgz]}\n    - {name: hello, version: 0.1.0, appVersion: "1.0", urls: [hello-0.1.0.tgz]}\n');
  const local = join(root, 'local');
  writeChart(join(local, 'lib'), 'apiVersion: v2\nname: lib\nversion: 0.1.0\n');
  writeChart(join(local, 'app'), 'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - {name: lib, version: 0.1.0, repository: "file://../lib"}\n', 'color: blue\n');
  return { repo, local };
}

/** A machine whose helm (and kubectl) are the stand-ins, with their own state folders. */
function standInCluster() {
  const root = scratchDir('betif-helm-');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, HELM_STANDIN_STATE: join(root, 'helm'), KUBECTL_STANDIN_STATE: join(root, 'kube') };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  // Asynchronous: the stand-in downloads charts from the server this test process runs.
  const helm = async (...args: string[]): Promise<string> => (await promisify(execFile)(join(STANDINS, 'helm'), args, { env: { ...process.env, ...env }, encoding: 'utf8' })).stdout;
  return { root, connection, helm };
}

describe('helm_release', () => {
  let server: Server;
  let repoUrl: string;
  let local: string;

  before(async () => {
    const charts = buildCharts();
    local = charts.local;
    server = createServer((request, response) => {
      const file = join(charts.repo, request.url ?? '/');
      if (!existsSync(file)) return void response.writeHead(404).end();
      response.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  let repoAdded: Promise<string> | undefined;

  /** A cluster whose helm has the repository added: `helm repo add` runs once, its state is copied to each cluster. */
  async function clusterWithRepo() {
    repoAdded ??= (async () => {
      const template = standInCluster();
      await template.helm('repo', 'add', 'lab', repoUrl);
      return join(template.root, 'helm');
    })();
    const helmState = await repoAdded;
    const cluster = standInCluster();
    cpSync(helmState, join(cluster.root, 'helm'), { recursive: true });
    return cluster;
  }

  test('installs a repository chart with values, then has nothing to do (with a stand-in)', async () => {
    const { connection, helm } = await clusterWithRepo();
    const args = { name: 'web', chart: 'lab/hello', version: '0.1.0', namespace: 'apps', create_namespace: true, values: { replicas: 2, ingress: { host: 'web.lab' } } };
    const first = await runModule(helmRelease, args, { connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.status, 'deployed');
    assert.equal(first.result.revision, 1);
    assert.equal(first.result.chart, 'hello-0.1.0');
    assert.equal(first.result.app_version, '1.0');
    assert.deepEqual(first.diff, [
      { before: '', after: 'ingress:\n  host: web.lab\nreplicas: 2\n', beforeHeader: 'helm release apps/web (values)' },
      { before: '', after: 'hello-0.1.0\n', beforeHeader: 'helm release apps/web (chart)' },
    ]);
    assert.deepEqual(JSON.parse(await helm('get', 'values', 'web', '-n', 'apps', '-o', 'json')), { replicas: 2, ingress: { host: 'web.lab' } });
    assert.equal(JSON.parse(await helm('status', 'web', '-n', 'apps', '-o', 'json')).info.status, 'deployed');

    const second = await runModule(helmRelease, args, { connection });
    assert.equal(second.result.changed, false);
    assert.equal(second.result.revision, 1);
    assert.deepEqual(second.diff, []);
  });

  test('check mode reports the install and leaves the cluster alone (with a stand-in)', async () => {
    const { connection, helm } = await clusterWithRepo();
    const { result } = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', values: { replicas: 2 } }, { connection, check: true });
    assert.equal(result.changed, true);
    assert.deepEqual(result.reasons, ['release is not installed']);
    assert.deepEqual(JSON.parse(await helm('list', '-a', '-o', 'json')), []);
  });

  test('changed values, a newer chart and removed values each upgrade the release (with a stand-in)', async () => {
    const { connection, helm } = await clusterWithRepo();
    await runModule(helmRelease, { name: 'web', chart: 'lab/hello', version: '0.1.0', values: { replicas: 2 } }, { connection });

    const values = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', version: '0.1.0', values: { replicas: 3 } }, { connection });
    assert.equal(values.result.changed, true);
    assert.deepEqual(values.result.reasons, ['values differ']);
    assert.deepEqual(values.diff, [{ before: 'replicas: 2\n', after: 'replicas: 3\n', beforeHeader: 'helm release default/web (values)' }]);

    const newest = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', values: { replicas: 3 } }, { connection });
    assert.equal(newest.result.changed, true);
    assert.deepEqual(newest.result.reasons, ['chart hello-0.1.0 is deployed, wanted hello-0.2.0']);
    assert.equal(newest.result.revision, 3);
    assert.deepEqual(newest.diff[1], { before: 'hello-0.1.0\n', after: 'hello-0.2.0\n', beforeHeader: 'helm release default/web (chart)' });

    const reset = await runModule(helmRelease, { name: 'web', chart: 'lab/hello' }, { connection });
    assert.equal(reset.result.changed, true);
    assert.equal((await helm('get', 'values', 'web', '-o', 'json')).trim(), 'null');
    assert.equal((await runModule(helmRelease, { name: 'web', chart: 'lab/hello' }, { connection })).result.changed, false);
  });

  test('secret_values are merged over values and masked in the diff, also when they change (with a stand-in)', async () => {
    const { connection, helm } = await clusterWithRepo();
    const values = { proxy: { service: { type: 'ClusterIP' } }, hub: { config: { client_id: 'jhub' } } };
    const args = { name: 'hub', chart: 'lab/hello', values, secret_values: { proxy: { secretToken: 'token-one-1234' }, hub: { config: { client_secret: 'client-one-5678' } } } };
    const first = await runModule(helmRelease, args, { connection });
    assert.equal(first.result.changed, true);
    assert.equal(
      first.diff[0].after,
      'hub:\n  config:\n    client_id: jhub\n    client_secret: "********"\nproxy:\n  secretToken: "********"\n  service:\n    type: ClusterIP\n',
    );
    assert.deepEqual(JSON.parse(await helm('get', 'values', 'hub', '-o', 'json')), {
      proxy: { service: { type: 'ClusterIP' }, secretToken: 'token-one-1234' },
      hub: { config: { client_id: 'jhub', client_secret: 'client-one-5678' } },
    });
    assert.equal((await runModule(helmRelease, args, { connection })).result.changed, false);

    const rotatedSecrets = { ...args.secret_values, proxy: { secretToken: 'token-two-1234' } };
    const rotated = await runModule(helmRelease, { ...args, values: { ...values, replicas: 2 }, secret_values: rotatedSecrets }, { connection });
    assert.equal(rotated.result.changed, true);
    assert.deepEqual(rotated.result.reasons, ['values differ']);
    assert.equal(rotated.diff[0].before, 'hub:\n  config:\n    client_id: jhub\n    client_secret: "********"\nproxy:\n  secretToken: "********"\n  service:\n    type: ClusterIP\n');
    assert.equal(
      rotated.diff[0].after,
      'hub:\n  config:\n    client_id: jhub\n    client_secret: "********"\nproxy:\n  secretToken: "******** (changed)"\n  service:\n    type: ClusterIP\nreplicas: 2\n',
    );
    assert.equal(JSON.parse(await helm('get', 'values', 'hub', '-o', 'json')).proxy.secretToken, 'token-two-1234');

    const removed = await runModule(helmRelease, { name: 'hub', state: 'absent', secret_values: rotatedSecrets }, { connection });
    assert.equal(removed.result.changed, true);
    assert.match(removed.diff[0].before, /^ {4}client_secret: "\*{8}"\n[\s\S]*^ {2}secretToken: "\*{8}"$/m);
    for (const run of [first, rotated, removed]) assert.doesNotMatch(JSON.stringify(run), /token-one|token-two|client-one/);
  });

  test('secret_values are declared secret, so the runner masks them in all output and logs', () => {
    assert.deepEqual(helmRelease.secretArgs, ['secret_values']);
  });

  test('a release that is not deployed is upgraded (with a stand-in)', async () => {
    const { root, connection } = await clusterWithRepo();
    await runModule(helmRelease, { name: 'web', chart: 'lab/hello' }, { connection });
    const file = join(root, 'helm', 'releases', 'default', 'web.json');
    const history = JSON.parse(readFileSync(file, 'utf8'));
    history.at(-1).info.status = 'failed';
    writeFileSync(file, JSON.stringify(history));
    const { result } = await runModule(helmRelease, { name: 'web', chart: 'lab/hello' }, { connection });
    assert.equal(result.changed, true);
    assert.deepEqual(result.reasons, ['release status is failed']);
    assert.equal(result.status, 'deployed');
  });

  test('values files on the target are merged before the values (with a stand-in)', async () => {
    const { root, connection, helm } = await clusterWithRepo();
    const base = join(root, 'base.yaml');
    writeFileSync(base, 'replicas: 1\nimage: {tag: "1.0", pull: Always}\n');
    const args = { name: 'web', chart: 'lab/hello', values_files: [base], values: { image: { tag: '2.0' } } };
    assert.equal((await runModule(helmRelease, args, { connection })).result.changed, true);
    assert.deepEqual(JSON.parse(await helm('get', 'values', 'web', '-o', 'json')), { replicas: 1, image: { tag: '2.0', pull: 'Always' } });
    assert.equal((await runModule(helmRelease, args, { connection })).result.changed, false);
    writeFileSync(base, 'replicas: 4\nimage: {tag: "1.0", pull: Always}\n');
    const edited = await runModule(helmRelease, args, { connection });
    assert.equal(edited.result.changed, true);
    assert.deepEqual(edited.result.reasons, ['values differ']);
  });

  test('a local chart: dependency_build fills charts/, and edits inside the chart are seen (with a stand-in)', async () => {
    const { root, connection, helm } = standInCluster();
    execFileSync('cp', ['-r', local, join(root, 'charts')]);
    const app = join(root, 'charts', 'app');
    const missing = await runModule(helmRelease, { name: 'app', chart: app }, { connection });
    assert.equal(missing.result.failed, true);
    assert.match(String(missing.result.msg), /^helm upgrade app failed: An error occurred while checking for chart dependencies.*missing in charts\/ directory: lib$/);

    const args = { name: 'app', chart: app, dependency_build: true, values: { color: 'green' } };
    const first = await runModule(helmRelease, args, { connection });
    assert.equal(first.result.changed, true);
    assert.equal(first.result.chart, 'app-1.0.0');
    assert.equal(existsSync(join(app, 'charts', 'lib-0.1.0.tgz')), true);
    assert.match(JSON.parse(await helm('status', 'app', '-o', 'json')).info.description, /^betif-play sha256:[0-9a-f]{64}$/);
    assert.equal((await runModule(helmRelease, args, { connection })).result.changed, false);

    writeFileSync(join(app, 'values.yaml'), 'color: red\n');
    const edited = await runModule(helmRelease, args, { connection });
    assert.equal(edited.result.changed, true);
    assert.deepEqual(edited.result.reasons, ['local chart content changed']);
    assert.equal((await runModule(helmRelease, args, { connection })).result.changed, false);
  });

  test('a new namespace needs create_namespace (with a stand-in)', async () => {
    const { connection } = await clusterWithRepo();
    const refused = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', namespace: 'fresh' }, { connection });
    assert.equal(refused.result.failed, true);
    assert.equal(refused.result.msg, 'helm upgrade web failed: create: failed to create: namespaces "fresh" not found');
    const created = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', namespace: 'fresh', create_namespace: true, wait: true, timeout: 120, atomic: true }, { connection });
    assert.equal(created.result.changed, true);
  });

  test('state absent uninstalls the release once (with a stand-in)', async () => {
    const { connection, helm } = await clusterWithRepo();
    await runModule(helmRelease, { name: 'web', chart: 'lab/hello', values: { replicas: 2 } }, { connection });
    const removed = await runModule(helmRelease, { name: 'web', state: 'absent' }, { connection });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.diff, [{ before: 'replicas: 2\n', after: '', beforeHeader: 'helm release default/web (values)' }]);
    assert.deepEqual(JSON.parse(await helm('list', '-a', '-o', 'json')), []);
    assert.equal((await runModule(helmRelease, { name: 'web', state: 'absent' }, { connection })).result.changed, false);
  });

  test('a kubeconfig that is not there fails with helm\'s message (with a stand-in)', async () => {
    const { connection } = await clusterWithRepo();
    const { result } = await runModule(helmRelease, { name: 'web', chart: 'lab/hello', kubeconfig: '/nonexistent/rke2.yaml' }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'helm history web failed: Kubernetes cluster unreachable: stat /nonexistent/rke2.yaml: no such file or directory');
  });

  test('names and paths carrying shell syntax are data, never run (with a stand-in)', async () => {
    const { connection } = await clusterWithRepo();
    const name = await runModule(helmRelease, { name: 'web; touch /tmp/pwned-helm_release', chart: 'lab/hello' }, { connection });
    assert.equal(name.result.failed, true);
    assert.match(String(name.result.msg), /invalid release name/);
    const chart = await runModule(helmRelease, { name: 'web', chart: '/tmp/chart; touch /tmp/pwned-helm_release' }, { connection });
    assert.equal(chart.result.failed, true);
    assert.match(String(chart.result.msg), /path "\/tmp\/chart; touch \/tmp\/pwned-helm_release" not found/);
    assert.equal(existsSync('/tmp/pwned-helm_release'), false);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(helmRelease, { name: 'web', chart: 'lab/hello', value: {} }), (error: Error) => error instanceof ArgumentError && /unsupported argument 'value' for module 'helm_release' \(did you mean 'values'\?\)/.test(error.message));
    await assert.rejects(runModule(helmRelease, { name: 'web', chart: 'lab/hello', values: 'replicas=2' }), /argument 'values' must be object/);
    await assert.rejects(runModule(helmRelease, { chart: 'lab/hello' }), /missing required argument 'name' for module 'helm_release'/);
    await assert.rejects(runModule(helmRelease, { name: 'web' }), /missing required argument 'chart' for module 'helm_release'/);
    await assert.rejects(runModule(helmRelease, { name: 'web', chart: 'lab/hello', wait: 'sometimes' }), /argument 'wait' must be boolean/);
    await assert.rejects(runModule(helmRelease, { name: 'web', chart: 'lab/hello', secret_values: 'token' }), /argument 'secret_values' must be object/);
  });
});

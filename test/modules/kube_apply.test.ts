import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import kubeApply from '../../src/modules/kube/kube_apply.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'storage' } };
const SETTINGS = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'storage' }, data: { mode: 'fast' } };
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: issuers.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {kind: Issuer, plural: issuers}
  versions: [{name: v1, served: true, storage: true}]
`;
const ISSUER = 'apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: selfsigned}\nspec: {selfSigned: {}}\n';

/** A machine whose kubectl is the stand-in, with its own cluster state. */
function standInCluster() {
  const root = scratchDir('betif-kube-');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, KUBECTL_STANDIN_STATE: join(root, 'kube') };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  const kubectl = async (...args: string[]): Promise<string> => (await promisify(execFile)(join(STANDINS, 'kubectl'), args, { env: { ...process.env, ...env }, encoding: 'utf8' })).stdout;
  return { root, connection, kubectl };
}

describe('kube_apply', () => {
  let server: Server;
  let manifestUrl: string;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url !== '/local-path.yaml') return void response.writeHead(404).end();
      response.end('apiVersion: v1\nkind: Namespace\nmetadata: {name: local-path-storage}\n---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-path}\nprovisioner: rancher.io/local-path\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    manifestUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/local-path.yaml`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('applies inline definitions into a new namespace, then has nothing to do (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    const args = { definition: [NAMESPACE, SETTINGS] };
    const first = await runModule(kubeApply, args, { connection });
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.created, ['namespace/storage', 'configmap/settings']);
    assert.match(String(first.result.msg), /^kubectl diff could not compare: .*namespaces "storage" not found/);
    assert.deepEqual(JSON.parse(await kubectl('get', 'configmap', 'settings', '-n', 'storage', '-o', 'json')).data, { mode: 'fast' });

    const second = await runModule(kubeApply, args, { connection });
    assert.equal(second.result.changed, false);
    assert.deepEqual(second.diff, []);
  });

  test('a changed object shows kubectl\'s diff; check mode leaves it alone (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    await runModule(kubeApply, { definition: [NAMESPACE, SETTINGS] }, { connection });
    const changedSettings = { ...SETTINGS, data: { mode: 'safe' } };
    const check = await runModule(kubeApply, { definition: changedSettings }, { connection, check: true });
    assert.equal(check.result.changed, true);
    assert.equal(check.diff.length, 1);
    assert.equal(check.diff[0].beforeHeader, 'v1.ConfigMap.storage.settings');
    assert.match(check.diff[0].before, /^ {2}mode: fast$/m);
    assert.match(check.diff[0].after, /^ {2}mode: safe$/m);
    assert.deepEqual(JSON.parse(await kubectl('get', 'cm', 'settings', '-n', 'storage', '-o', 'json')).data, { mode: 'fast' });

    const applied = await runModule(kubeApply, { definition: changedSettings }, { connection });
    assert.equal(applied.result.changed, true);
    assert.deepEqual(applied.result.configured, ['configmap/settings']);
    assert.deepEqual(JSON.parse(await kubectl('get', 'cm', 'settings', '-n', 'storage', '-o', 'json')).data, { mode: 'safe' });
  });

  test('src takes files on the target and URLs; namespace applies to objects without one (with a stand-in)', async () => {
    const { root, connection, kubectl } = standInCluster();
    const file = join(root, 'app.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {level: debug}\n');
    const args = { src: [manifestUrl, file], namespace: 'kube-system' };
    const first = await runModule(kubeApply, args, { connection });
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.created, ['namespace/local-path-storage', 'storageclass.storage.k8s.io/local-path', 'configmap/app']);
    assert.match(await kubectl('get', 'cm', '-n', 'kube-system', '-o', 'name'), /^configmap\/app$/m);
    assert.equal((await runModule(kubeApply, args, { connection })).result.changed, false);
  });

  test('custom resources apply after their CRD, in one go (with a stand-in)', async () => {
    const { root, connection } = standInCluster();
    const crd = join(root, 'crd.yaml');
    const issuer = join(root, 'issuer.yaml');
    writeFileSync(crd, CRD);
    writeFileSync(issuer, ISSUER);
    const early = await runModule(kubeApply, { src: issuer }, { connection });
    assert.equal(early.result.failed, true);
    assert.match(String(early.result.msg), /no matches for kind "Issuer" in version "cert-manager.io\/v1"\nensure CRDs are installed first/);
    const both = await runModule(kubeApply, { src: [crd, issuer] }, { connection });
    assert.equal(both.result.changed, true);
    assert.deepEqual(both.result.created, ['customresourcedefinition.apiextensions.k8s.io/issuers.cert-manager.io', 'issuer.cert-manager.io/selfsigned']);
    assert.equal((await runModule(kubeApply, { src: [crd, issuer] }, { connection })).result.changed, false);
  });

  test('state absent deletes what exists, once (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    await runModule(kubeApply, { definition: [NAMESPACE, SETTINGS] }, { connection });
    const removed = await runModule(kubeApply, { definition: SETTINGS, state: 'absent' }, { connection });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.result.deleted, ['configmap/settings']);
    assert.equal(removed.diff[0].beforeHeader, 'configmap/settings');
    assert.equal(removed.diff[0].after, '');
    assert.equal((await kubectl('get', 'cm', '-n', 'storage', '-o', 'name')).trim(), '');
    assert.equal((await runModule(kubeApply, { definition: SETTINGS, state: 'absent' }, { connection })).result.changed, false);
  });

  test('a kubeconfig that is not there fails with kubectl\'s message (with a stand-in)', async () => {
    const { connection } = standInCluster();
    const { result } = await runModule(kubeApply, { definition: SETTINGS, kubeconfig: '/nonexistent/rke2.yaml' }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'kubectl diff failed: error: stat /nonexistent/rke2.yaml: no such file or directory');
  });

  test('paths and names carrying shell syntax are data, never run (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    const path = await runModule(kubeApply, { src: '/tmp/app.yaml; touch /tmp/pwned-kube_apply' }, { connection });
    assert.equal(path.result.failed, true);
    assert.equal(path.result.msg, 'kubectl diff failed: error: the path "/tmp/app.yaml; touch /tmp/pwned-kube_apply" does not exist');
    const name = await runModule(kubeApply, { definition: { ...SETTINGS, metadata: { name: 'x; touch /tmp/pwned-kube_apply', namespace: 'default' } } }, { connection });
    assert.equal(name.result.failed, true);
    assert.match(String(name.result.msg), /The ConfigMap "x; touch \/tmp\/pwned-kube_apply" is invalid/);
    assert.equal(existsSync('/tmp/pwned-kube_apply'), false);
    assert.equal((await kubectl('get', 'cm', '-o', 'name')).trim(), '');
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(kubeApply, { definiton: SETTINGS }), (error: Error) => error instanceof ArgumentError && /unsupported argument 'definiton' for module 'kube_apply' \(did you mean 'definition'\?\)/.test(error.message));
    await assert.rejects(runModule(kubeApply, { definition: 'kind: ConfigMap' }), /argument 'definition' must be object,array/);
    await assert.rejects(runModule(kubeApply, { namespace: 'default' }), (error: Error) => error instanceof ArgumentError && error.message === "one of the following is required for module 'kube_apply': src, definition");
    await assert.rejects(runModule(kubeApply, { src: 'a.yaml', state: 'latest' }), /argument 'state' must be one of: present, absent/);
  });
});


import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import k8s from '../../src/modules/kube/kubernetes_core_k8s.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

const OBJECTS = `apiVersion: v1
kind: Namespace
metadata: {name: jhub}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: jhub}
data: {mode: fast}
`;

/** A machine whose kubectl is the stand-in, with its own cluster state. */
function standInCluster() {
  const root = scratchDir('betif-k8s-');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, KUBECTL_STANDIN_STATE: join(root, 'kube') };
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  const kubectl = async (...args: string[]): Promise<string> => (await promisify(execFile)(join(STANDINS, 'kubectl'), args, { env: { ...process.env, ...env }, encoding: 'utf8' })).stdout;
  return { connection, kubectl };
}

describe('kubernetes.core.k8s', () => {
  test('applies a definition given as YAML text with several documents, then has nothing to do (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    const first = await runModule(k8s, { state: 'present', definition: OBJECTS }, { connection });
    assert.equal(first.result.changed, true, String(first.result.msg));
    assert.equal(JSON.parse(await kubectl('get', 'configmap', 'settings', '--namespace', 'jhub', '--output', 'json')).data.mode, 'fast');
    const second = await runModule(k8s, { state: 'present', definition: OBJECTS }, { connection });
    assert.equal(second.result.changed, false);
  });

  test('check mode creates nothing; a changed object shows the changed parts under diff, and check mode leaves it alone (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'fast' } };
    const checked = await runModule(k8s, { definition: settings }, { connection, check: true });
    assert.equal(checked.result.changed, true);
    assert.equal(checked.result.method, 'create');
    assert.doesNotMatch(await kubectl('get', 'configmaps', '--output', 'json'), /settings/);
    await runModule(k8s, { definition: settings }, { connection });
    const slower = { ...settings, data: { mode: 'slow' } };
    const { result, diff } = await runModule(k8s, { definition: slower }, { connection, check: true, diff: true });
    assert.equal(result.changed, true);
    assert.equal(result.method, 'update');
    assert.match(diff.map((entry) => entry.before).join(''), /"mode": "fast"/);
    assert.match(diff.map((entry) => entry.after).join(''), /"mode": "slow"/);
    assert.equal(JSON.parse(await kubectl('get', 'configmap', 'settings', '--output', 'json')).data.mode, 'fast');
  });

  test('state absent by kind and name deletes the object, then has nothing to do (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    await runModule(k8s, { definition: OBJECTS }, { connection });
    const args = { state: 'absent', api_version: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'jhub' };
    const removed = await runModule(k8s, args, { connection });
    assert.equal(removed.result.changed, true);
    assert.equal(removed.result.method, 'delete');
    assert.deepEqual((removed.result.result as { status: string; details: { kind: string } }).details.kind, 'configmaps');
    assert.equal((removed.result.result as { status: string }).status, 'Success');
    assert.doesNotMatch(await kubectl('get', 'configmaps', '--namespace', 'jhub', '--output', 'json'), /settings/);
    const again = await runModule(k8s, args, { connection });
    assert.equal(again.result.changed, false);
  });

  test('an object in a namespace that is not there fails with the API server\'s Status, as kubernetes.core reports it (with a stand-in)', async () => {
    const { connection } = standInCluster();
    const { result } = await runModule(k8s, { definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'missing' } } }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.reason, 'Not Found');
    assert.equal(result.msg, `Failed to create object: b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \\\\"missing\\\\" not found","reason":"NotFound","details":{"name":"missing","kind":"namespaces"},"code":404}\\n'`);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(k8s, { definition: OBJECTS, state: 'patched' }), /argument 'state' must be one of/);
    await assert.rejects(runModule(k8s, { defintion: OBJECTS }), /unsupported argument 'defintion' .*did you mean 'definition'/);
  });
});

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

  test('check mode shows the change under diff and creates nothing (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    await runModule(k8s, { resource_definition: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jhub' } } }, { connection });
    const settings = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'jhub' }, data: { mode: 'slow' } };
    const { result, diff } = await runModule(k8s, { definition: settings }, { connection, check: true });
    assert.equal(result.changed, true);
    assert.match(diff.map((entry) => entry.after).join(''), /slow/);
    assert.doesNotMatch(await kubectl('get', 'configmaps', '--namespace', 'jhub', '--output', 'json'), /settings/);
  });

  test('state absent by kind and name deletes the object, then has nothing to do (with a stand-in)', async () => {
    const { connection, kubectl } = standInCluster();
    await runModule(k8s, { definition: OBJECTS }, { connection });
    const args = { state: 'absent', api_version: 'v1', kind: 'ConfigMap', name: 'settings', namespace: 'jhub' };
    const removed = await runModule(k8s, args, { connection });
    assert.equal(removed.result.changed, true);
    assert.deepEqual(removed.result.deleted, ['configmap/settings']);
    assert.doesNotMatch(await kubectl('get', 'configmaps', '--namespace', 'jhub', '--output', 'json'), /settings/);
    const again = await runModule(k8s, args, { connection });
    assert.equal(again.result.changed, false);
  });

  test('without a definition, src, or kind and name it fails with one message', async () => {
    const { connection } = standInCluster();
    const { result } = await runModule(k8s, { state: 'absent', kind: 'ConfigMap' }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'one of resource_definition, src, or kind and name is required');
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(k8s, { definition: OBJECTS, state: 'patched' }), /argument 'state' must be one of/);
    await assert.rejects(runModule(k8s, { defintion: OBJECTS }), /unsupported argument 'defintion' .*did you mean 'definition'/);
  });
});

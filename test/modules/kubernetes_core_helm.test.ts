import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { withEnvironment } from '../../src/connection/environment.js';
import { ArgumentError } from '../../src/modules/args.js';
import helm from '../../src/modules/kube/kubernetes_core_helm.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

const STANDINS = fileURLToPath(new URL('../../../test/lab/standins', import.meta.url));

/** A machine whose helm and kubectl are the stand-ins, and a local chart folder `hub`. */
function standInCluster() {
  const root = scratchDir('betif-k8s-helm-');
  const env = { PATH: `${STANDINS}:${process.env.PATH}`, HELM_STANDIN_STATE: join(root, 'helm'), KUBECTL_STANDIN_STATE: join(root, 'kube') };
  const chart = join(root, 'hub');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: hub\nversion: 3.3.7\nappVersion: "4.1.5"\n');
  writeFileSync(join(chart, 'values.yaml'), 'proxy: {}\n');
  writeFileSync(join(chart, 'templates', 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n');
  const connection = withEnvironment(new LocalConnection('localhost'), env);
  const run = (...args: string[]): string => execFileSync(join(STANDINS, 'helm'), args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { chart, connection, helm: run };
}

describe('kubernetes.core.helm', () => {
  test('installs a release under the collection\'s argument names, then has nothing to do (with a stand-in)', async () => {
    const { chart, connection, helm: run } = standInCluster();
    const args = { name: 'jhub', chart_ref: chart, release_namespace: 'jhub', create_namespace: true, values: { proxy: { service: { type: 'NodePort' } } } };
    const first = await runModule(helm, args, { connection });
    assert.equal(first.result.changed, true);
    const { updated, ...status } = first.result.status as Record<string, unknown>;
    assert.deepEqual(status, { name: 'jhub', namespace: 'jhub', revision: '1', status: 'deployed', chart: 'hub-3.3.7', app_version: '4.1.5', values: args.values });
    assert.match(String(updated), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
    assert.match(String(first.result.command), /\/helm upgrade -i --reset-values --create-namespace --values=- --namespace jhub jhub \S+\/hub$/);
    assert.match(run('get', 'values', 'jhub', '--namespace', 'jhub', '-o', 'json'), /NodePort/);

    const second = await runModule(helm, args, { connection });
    assert.equal(second.result.changed, false);
    assert.equal((second.result.status as { revision: string }).revision, '1');
    assert.deepEqual(second.result.warnings, ['The default idempotency check can fail to report changes in certain cases. Install helm diff >= 3.4.1 for better results.']);

    const other = await runModule(helm, { ...args, values: { proxy: { service: { type: 'ClusterIP' } } } }, { connection });
    assert.equal(other.result.changed, true);
    assert.equal((other.result.status as { revision: string }).revision, '2');
  });

  test('check mode and diff: reports the change and installs nothing (with a stand-in)', async () => {
    const { chart, connection, helm: run } = standInCluster();
    const { result, diff } = await runModule(helm, { release_name: 'jhub', chart_ref: chart, release_namespace: 'jhub', release_values: { a: 1 } }, { connection, check: true });
    assert.equal(result.changed, true);
    assert.deepEqual(result.status, { values: { current: {}, declared: {} } });
    assert.match(diff[0]?.after ?? '', /a: 1/);
    assert.doesNotMatch(run('list', '--all-namespaces', '-o', 'json'), /jhub/);
  });

  test('release_state absent uninstalls, and a second run changes nothing (with a stand-in)', async () => {
    const { chart, connection } = standInCluster();
    await runModule(helm, { name: 'jhub', chart_ref: chart, namespace: 'jhub', create_namespace: true }, { connection });
    const removed = await runModule(helm, { name: 'jhub', namespace: 'jhub', state: 'absent' }, { connection });
    assert.equal(removed.result.changed, true);
    assert.equal(removed.result.stdout, 'release "jhub" uninstalled\n');
    assert.equal(removed.result.status, null);
    const again = await runModule(helm, { name: 'jhub', namespace: 'jhub', state: 'absent' }, { connection });
    assert.equal(again.result.changed, false);
    assert.equal(again.result.status, null);
  });

  test('update_repo_cache runs helm repo update first, which fails without repositories as helm does (with a stand-in)', async () => {
    const { chart, connection } = standInCluster();
    const { result } = await runModule(helm, { name: 'jhub', chart_ref: chart, namespace: 'jhub', create_namespace: true, update_repo_cache: true }, { connection });
    assert.equal(result.failed, true);
    assert.equal(result.msg, 'Failure when executing Helm command. Exited 1.\nstdout: \nstderr: Error: no repositories found. You must add one before updating\n');
  });

  test('the collection\'s required_if and mutually_exclusive fail the task as Ansible does', async () => {
    const missing = await runModule(helm, { name: 'x', namespace: 'n' });
    assert.deepEqual([missing.result.failed, missing.result.msg], [true, 'release_state is present but all of the following are missing: chart_ref']);
    const both = await runModule(helm, { name: 'x', namespace: 'n', chart_ref: 'c', wait_timeout: '1m', timeout: '2m' });
    assert.deepEqual([both.result.failed, both.result.msg], [true, 'parameters are mutually exclusive: wait_timeout|timeout']);
  });

  test('bad arguments are refused before anything runs', async () => {
    await assert.rejects(runModule(helm, { name: 'x', chart_ref: 'c' }), /missing required argument 'release_namespace'/);
    await assert.rejects(runModule(helm, { name: 'x', namespace: 'n', chart_ref: 'c', chart_verison: '1' }), (error: Error) => {
      assert.ok(error instanceof ArgumentError);
      assert.match(error.message, /unsupported argument 'chart_verison' .*did you mean 'chart_version'/);
      return true;
    });
  });
});

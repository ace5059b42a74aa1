import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Secret } from 'kubernetes-models/v1/Secret';
import { parseAllDocuments } from 'yaml';

const DEPLOY = fileURLToPath(new URL('../../../deploy/kubernetes/', import.meta.url));

function documents(file: string): Record<string, any>[] {
  return parseAllDocuments(readFileSync(DEPLOY + file, 'utf8')).map((document) => document.toJS() as Record<string, any>);
}

describe('deploy/kubernetes: the sliced run as an Indexed Job', () => {
  test('the Job is valid against the Kubernetes schemas, and every slice index is run exactly once', () => {
    const [job] = documents('job.yaml');
    new Job(job).validate();
    const { spec } = job;
    assert.equal(spec.completionMode, 'Indexed');
    assert.equal(spec.completions, spec.parallelism);
    const container = spec.template.spec.containers[0];
    const slices = container.env.find((variable: { name: string }) => variable.name === 'SLICES').value;
    assert.equal(Number(slices), spec.completions);
    assert.match(container.args[0], /--slice "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/\$SLICES"/);
    assert.match(container.args[0], /--json/);
  });

  test('keys and the vault password are mounted read-only with mode 0400 and never passed in the environment', () => {
    const [job] = documents('job.yaml');
    const volumes = Object.fromEntries(job.spec.template.spec.volumes.map((volume: { name: string }) => [volume.name, volume]));
    for (const name of ['ssh', 'vault']) assert.equal(volumes[name].secret.defaultMode, 0o400);
    const env = JSON.stringify(job.spec.template.spec.containers[0].env);
    assert.doesNotMatch(env, /secretKeyRef|PASSWORD|PRIVATE/i);
  });

  test('the example Secrets are valid and hold only placeholders', () => {
    for (const secret of documents('secrets.example.yaml')) {
      new Secret(secret as ConstructorParameters<typeof Secret>[0]).validate();
      for (const value of Object.values(secret.stringData as Record<string, string>)) assert.match(value, /placeholder/);
    }
  });
});

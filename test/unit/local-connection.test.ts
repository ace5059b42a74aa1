import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalConnection } from '../../src/connection/local.js';
import { UnreachableError } from '../../src/connection/types.js';

/** The pid of the process that started the command: the driver, for a program it runs. */
async function parentOf(local: LocalConnection, before = ''): Promise<number> {
  const result = await local.exec(['/bin/sh', '-c', `${before}echo $PPID`]);
  return Number(result.stdout.trim());
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the local connection runs its commands through one long-lived driver', () => {
  test('every command of a connection is started by the same driver, not by the controller', async () => {
    const local = new LocalConnection('localhost');
    const first = await parentOf(local);
    assert.notEqual(first, process.pid);
    assert.equal(await parentOf(local), first);
    assert.equal(await parentOf(local), first);
    await local.close();
  });

  test('stdin, cwd, env, exit codes and stderr reach and come back as from a process of its own', async () => {
    const local = new LocalConnection('localhost');
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'betif-local-')));
    try {
      assert.deepEqual(await local.exec(['cat'], { stdin: 'line one\nline two' }), { rc: 0, stdout: 'line one\nline two', stderr: '' });
      assert.equal((await local.exec(['pwd'], { cwd: dir })).stdout, `${dir}\n`);
      const env = await local.exec(['/bin/sh', '-c', 'echo "$GREETING $HOME"'], { env: { GREETING: "it's a $value" } });
      assert.equal(env.stdout, `it's a $value ${process.env.HOME}\n`);
      assert.deepEqual(await local.exec(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3']), { rc: 3, stdout: 'out\n', stderr: 'err\n' });
      assert.equal((await local.exec(['no-such-program-here'])).rc, 127);
      // The driver itself is unchanged by what a command does to its shell.
      await local.exec(['cd', '/']);
      assert.equal((await local.exec(['pwd'])).stdout, `${process.cwd()}\n`);
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('commands at once get drivers of their own; close ends them', async () => {
    const local = new LocalConnection('localhost');
    const parents = await Promise.all([1, 2, 3].map(() => parentOf(local, 'sleep 0.3; ')));
    assert.equal(new Set(parents).size, 3);
    await local.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const pid of parents) assert.equal(running(pid), false, `driver ${pid} still runs after close`);
  });

  test('a driver killed under its command makes that command fail as unreachable; the next command gets a new driver', async () => {
    const local = new LocalConnection('localhost');
    const before = await parentOf(local);
    await assert.rejects(local.exec(['/bin/sh', '-c', 'kill -9 $PPID; sleep 5']), UnreachableError);
    const after = await parentOf(local);
    assert.notEqual(after, before);
    await local.close();
  });

  test('an idle driver never keeps the controller running: a run that does not close its connection still ends', () => {
    const module = fileURLToPath(new URL('../../src/connection/local.js', import.meta.url));
    const script = `import { LocalConnection } from ${JSON.stringify(module)};
const local = new LocalConnection('localhost');
const result = await local.exec(['echo', 'done']);
process.stdout.write(result.stdout);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(output, 'done\n');
  });
});

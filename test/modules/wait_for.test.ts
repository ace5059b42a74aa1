import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import waitFor from '../../src/modules/system/wait_for.js';
import { runModule, scratchDir } from '../helpers/module-harness.js';

/** A TCP server on a free local port; stop() drops its connections too. */
async function listen(onConnection: (socket: Socket) => void = (socket) => socket.end()): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port: (server.address() as AddressInfo).port, stop };
}

async function closedPort(): Promise<number> {
  const { port, stop } = await listen();
  await stop();
  return port;
}

describe('wait_for', () => {
  test('waits for a file that appears later', async () => {
    const path = join(scratchDir(), 'ready');
    setTimeout(() => writeFileSync(path, 'ok'), 600);
    const { result } = await runModule(waitFor, { path, timeout: 10 });
    assert.equal(result.failed, undefined);
    assert.equal(result.changed, false);
    assert.equal(result.state, 'started');
    assert.equal(result.path, path);
    assert.equal(result.port, null);
    assert.deepEqual(result.match_groups, []);
    assert.equal(typeof result.elapsed, 'number');
  });

  test('search_regex waits for the content and returns the groups', async () => {
    const path = join(scratchDir(), 'app.log');
    writeFileSync(path, 'booting\n');
    setTimeout(() => writeFileSync(path, 'booting\nlistening on port 8080\n'), 600);
    const { result } = await runModule(waitFor, { path, search_regex: '^listening on port (?P<port>\\d+)$', timeout: 10 });
    assert.equal(result.failed, undefined);
    assert.deepEqual(result.match_groups, ['8080']);
    assert.deepEqual(result.match_groupdict, { port: '8080' });
    assert.equal(result.search_regex, '^listening on port (?P<port>\\d+)$');
  });

  test('waits for a file to be absent', async () => {
    const path = join(scratchDir(), 'lock');
    writeFileSync(path, '');
    setTimeout(() => rmSync(path), 600);
    const { result } = await runModule(waitFor, { path, state: 'absent', timeout: 10 });
    assert.equal(result.failed, undefined);
    assert.equal(result.state, 'absent');
  });

  test('times out with Ansible\'s message, or the one given', async () => {
    const path = join(scratchDir(), 'never');
    const { result } = await runModule(waitFor, { path, timeout: 1 });
    assert.equal(result.failed, true);
    assert.equal(result.msg, `Timeout when waiting for file ${path}`);
    assert.ok(Number(result.elapsed) >= 1);
    const custom = await runModule(waitFor, { path, timeout: 0, msg: 'the installer did not finish' });
    assert.equal(custom.result.msg, 'the installer did not finish');
  });

  test('waits for a port to accept connections', async () => {
    const { port, stop } = await listen();
    try {
      const { result } = await runModule(waitFor, { port, timeout: 5 });
      assert.equal(result.failed, undefined);
      assert.equal(result.port, port);
      assert.equal(result.path, null);
    } finally {
      await stop();
    }
  });

  test('reads a port\'s banner until search_regex matches', async () => {
    const { port, stop } = await listen((socket) => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian\r\n'));
    try {
      const { result } = await runModule(waitFor, { port, search_regex: 'OpenSSH_(\\d+)\\.(\\d+)', timeout: 5 });
      assert.equal(result.failed, undefined);
      assert.deepEqual(result.match_groups, ['9', '2']);
    } finally {
      await stop();
    }
  });

  test('a closed port is stopped at once, and waiting for it to open times out', async () => {
    const port = await closedPort();
    const stopped = await runModule(waitFor, { port, state: 'stopped', timeout: 5 });
    assert.equal(stopped.result.failed, undefined);
    const started = await runModule(waitFor, { host: '127.0.0.1', port, timeout: 1 });
    assert.equal(started.result.failed, true);
    assert.equal(started.result.msg, `Timeout when waiting for 127.0.0.1:${port}`);
  });

  test('check mode skips: nothing it waits for was really started', async () => {
    const { result } = await runModule(waitFor, { path: '/nonexistent', timeout: 1 }, { check: true });
    assert.equal(result.skipped, true);
  });

  test('bad arguments are refused with clear messages', async () => {
    const both = await runModule(waitFor, { port: 22, path: '/tmp' });
    assert.equal(both.result.msg, 'port and path parameter can not both be passed to wait_for');
    const stopped = await runModule(waitFor, { path: '/tmp', state: 'stopped' });
    assert.equal(stopped.result.msg, 'state=stopped should only be used for checking a port in the wait_for module');
    const regex = await runModule(waitFor, { path: '/tmp/x', search_regex: '(unclosed' });
    assert.equal(regex.result.failed, true);
    assert.match(String(regex.result.msg), /search_regex is not a valid regular expression: \(unclosed/);
    await assert.rejects(runModule(waitFor, { port: 'ssh' }), /argument 'port' must be integer/);
    await assert.rejects(runModule(waitFor, { state: 'drained', port: 22 }), /argument 'state' must be one of: started, present, stopped, absent/);
  });
});

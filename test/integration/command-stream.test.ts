import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withBecome } from '../../src/connection/become.js';
import { ConnectionPool } from '../../src/connection/pool.js';
import type { ConnectionSettings } from '../../src/connection/settings.js';
import { shellScript } from '../../src/connection/quote.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError } from '../../src/connection/types.js';
import reboot from '../../src/modules/system/reboot.js';
import { runModule } from '../helpers/module-harness.js';
import { labPort, labSettings, startLab, type Lab, type LabHost } from '../helpers/lab.js';

/*
 * Every command of a host goes through one long-lived channel running a small sh driver. These tests
 * run over real SSH and count what they can count: logins, channels, commands on the per-command path,
 * the driver's process id. None of them times anything.
 */

let lab: Lab;

function settings(host: LabHost, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return labSettings(lab, host, overrides);
}

async function using<T>(connection: SshConnection, fn: (connection: SshConnection) => Promise<T>): Promise<T> {
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

before(async () => {
  lab = await startLab(2, { basePort: labPort(2461), dir: join(tmpdir(), 'betif-lab-stream') });
  await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
    const setup = [
      'id deploy >/dev/null 2>&1 || useradd -m -s /bin/sh deploy',
      'echo deploy:s3cret-pass | chpasswd',
      'printf "Defaults:deploy passwd_tries=1\\ndeploy ALL=(ALL) ALL\\n" > /etc/sudoers.d/deploy',
      'chmod 440 /etc/sudoers.d/deploy',
    ].join(' && ');
    const result = await conn.exec(['sh', '-c', setup]);
    assert.equal(result.rc, 0, result.stderr);
  });
});

after(async () => {
  await lab?.stop();
});

describe('one command stream per host', () => {
  test('one login and one channel carry every command, each run by the same long-lived driver', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const parents = new Set<string>();
      for (let i = 0; i < 30; i += 1) {
        const result = await conn.exec(['sh', '-c', 'echo $PPID']);
        assert.equal(result.rc, 0);
        parents.add(result.stdout);
      }
      assert.equal(parents.size, 1, 'every command is a child of the same driver process');
      assert.equal((await conn.exec(['printf', '%s|', 'a b', '$(x)', ''])).stdout, 'a b|$(x)||');
      assert.deepEqual(conn.counters, { logins: 1, channels: 1, commands: 31, perCommand: 0 });
    });
  });

  test('a fixed script (shellScript) runs in a subshell of the driver, defined there once it runs again; one sh cannot parse fails as with sh -c', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const padding = `# ${'-'.repeat(300)}\n`;
      const script = `${padding}set -- "$@" last\nprintf '%s|' "$0" "$#" "$@" "[$c$d$e$i$k$l$n$r$s$t]"\necho\necho "$$"\nexit 3\n`;
      const runs = [
        await conn.exec(shellScript(script, ['a b', "it's $HOME"])),
        await conn.exec(shellScript(script, ['a b', "it's $HOME"])),
        await conn.exec(shellScript(script, []), { cwd: '/tmp', env: { X: '1' } }),
      ];
      assert.deepEqual(runs.map((run) => run.rc), [3, 3, 3]);
      const lines = runs.map((run) => run.stdout.split('\n'));
      assert.deepEqual(lines.map(([line]) => line), ["sh|3|a b|it's $HOME|last|[]|", "sh|3|a b|it's $HOME|last|[]|", 'sh|1|last|[]|'], 'the same $0, arguments and (no) variables as under sh -c');
      const driver = (await conn.exec(['sh', '-c', 'echo $PPID'])).stdout.trim();
      assert.deepEqual(lines.map(([, pid]) => pid), [driver, driver, driver], 'each ran in a subshell of the driver: no sh was started');
      for (let i = 0; i < 3; i += 1) {
        const broken = await conn.exec(shellScript(`${padding}if then fi\n`, []));
        assert.equal(broken.rc, 2);
        assert.match(broken.stderr, /Syntax error/);
      }
      assert.equal((await conn.exec(shellScript(`${padding}echo still here`, []))).stdout, 'still here\n');
      assert.equal(conn.counters.channels, 1, 'the driver lived on');
    });
  });

  test('parallel commands get a few more streams, never more than the channel limit', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => conn.exec(['sh', '-c', `sleep 0.05; echo ${i}`])));
      assert.deepEqual(results.map((result) => result.stdout), Array.from({ length: 40 }, (_, i) => `${i}\n`));
      assert.ok(conn.counters.channels >= 2 && conn.counters.channels <= 8, String(conn.counters.channels));
      assert.equal(conn.counters.logins, 1);
    });
  });

  test('binary-safe: every byte value and marker-like text in, out and through files', async () => {
    const host = lab.hosts[0];
    await using(new SshConnection(settings(host)), async (conn) => {
      const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(3 << 20), Buffer.from('0123456789abcdef0123456789abcdefz0\n')]);
      const written = await conn.exec(['sh', '-c', 'cat > /tmp/blob; sha256sum < /tmp/blob'], { stdin: data });
      assert.equal(written.stdout.split(' ')[0], sha256(data));
      assert.ok(readFileSync(join(host.root, 'tmp/blob')).equals(data));
      const back = await conn.exec(['base64', '-w0', '/tmp/blob']);
      assert.ok(Buffer.from(back.stdout, 'base64').equals(data));
      const nul = await conn.exec(['printf', 'a\\000b\\nno newline']);
      assert.equal(nul.stdout, 'a\0b\nno newline');
    });
  });

  test('very large outputs on stdout and stderr at once', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const result = await conn.exec(['sh', '-c', 'yes 0123456789abcdef | head -c 5000000 >&2; yes output-line | head -c 40000000; exit 7']);
      assert.equal(result.rc, 7);
      assert.equal(result.stdout.length, 40_000_000);
      assert.equal(result.stderr.length, 5_000_000);
      assert.ok(result.stdout.startsWith('output-line\noutput-line\n'));
      assert.equal((await conn.exec(['echo', 'after'])).stdout, 'after\n', 'the stream is still in step');
      assert.equal(conn.counters.channels, 1);
    });
  });

  test('stdin reaches the command, and input a command does not read never reaches the next one', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      assert.equal((await conn.exec(['od', '-An', '-tx1'], { stdin: Buffer.from([0, 255, 10]) })).stdout.trim(), '00 ff 0a');
      assert.equal((await conn.exec(['true'], { stdin: randomBytes(1 << 20) })).rc, 0);
      assert.equal((await conn.exec(['cat'])).stdout, '', 'a command without input reads an empty stdin');
      assert.equal((await conn.exec(['cat'], { stdin: 'mine\n' })).stdout, 'mine\n');
      assert.equal(conn.counters.channels, 1);
    });
  });

  test('cwd, env and shell words (cd, exit, exec, assignments) run in a subshell and leave the driver as it was', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      assert.equal((await conn.exec(['pwd'], { cwd: '/srv' })).stdout, '/srv\n');
      assert.equal((await conn.exec(['sh', '-c', 'echo "$A"'], { env: { A: "it's $HOME" } })).stdout, "it's $HOME\n");
      assert.equal((await conn.exec(['exit', '5'])).rc, 5);
      assert.equal((await conn.exec(['cd', '/tmp'])).rc, 0);
      assert.equal((await conn.exec(['exec', 'true'])).rc, 0);
      assert.equal((await conn.exec(['PATH=/nowhere'])).rc, 127, 'a word, not an assignment');
      assert.equal((await conn.exec(['pwd'])).stdout, '/root\n');
      assert.equal((await conn.exec(['sh', '-c', 'echo "$A"'])).stdout, '\n');
      assert.equal((await conn.exec(['no-such-program'])).rc, 127);
      assert.equal(conn.counters.channels, 1);
    });
  });

  test('a hanging command keeps its stream; the next command gets another, and closing ends both without a hang', async () => {
    const conn = new SshConnection(settings(lab.hosts[0]));
    const hanging = conn.exec(['sleep', '600']);
    const outcome = hanging.then(
      () => 'finished',
      (error: Error) => (error instanceof UnreachableError ? 'unreachable' : error.message),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await conn.exec(['hostname'])).stdout, 'h1\n');
    assert.equal(conn.counters.channels, 2);
    await conn.close();
    assert.equal(await outcome, 'unreachable');
  });

  test('a stream killed mid-command makes that command UNREACHABLE; the next command starts a new stream', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      await assert.rejects(conn.exec(['sh', '-c', 'kill -9 $PPID; sleep 600']), (error: Error) => {
        assert.ok(error instanceof UnreachableError);
        assert.match(error.message, /Shared connection to 127\.0\.0\.1 closed \(the command stream ended mid-command\)/);
        return true;
      });
      assert.equal((await conn.exec(['hostname'])).stdout, 'h1\n');
      assert.deepEqual([conn.counters.logins, conn.counters.channels], [1, 2]);
    });
  });
});

describe('become streams', () => {
  test('become without a password: one stream for the become user, env and stdin kept', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const asNobody = withBecome(conn, { user: 'nobody' });
      for (let i = 0; i < 5; i += 1) assert.equal((await asNobody.exec(['id', '-un'])).stdout, 'nobody\n');
      assert.equal((await asNobody.exec(['sh', '-c', 'echo "$X"; cat'], { env: { X: 'kept' }, stdin: 'input' })).stdout, 'kept\ninput');
      assert.equal((await conn.exec(['id', '-un'])).stdout, 'root\n');
      assert.deepEqual([conn.counters.channels, conn.counters.perCommand], [2, 0], 'one stream as nobody, one as root');
    });
  });

  test('become with a password: the password is never in the process list, and one stream serves every command', async () => {
    await using(new SshConnection(settings(lab.hosts[0], { user: 'deploy' })), async (conn) => {
      const asRoot = withBecome(conn, { user: 'root', password: 's3cret-pass' });
      for (let i = 0; i < 5; i += 1) assert.equal((await asRoot.exec(['id', '-un'])).stdout, 'root\n');
      assert.equal((await asRoot.exec(['cat'], { stdin: 'only this\n' })).stdout, 'only this\n');
      const processes = await asRoot.exec(['ps', '-eo', 'args']);
      assert.ok(processes.stdout.includes('sudo -S'), processes.stdout);
      assert.ok(!processes.stdout.includes('s3cret-pass'));
      assert.equal(conn.counters.channels, 1);
    });
  });
});

describe('reconnecting', () => {
  test('reboot over ssh: the session dies under the command, the stream is set up again after the reconnect', async () => {
    const host = lab.hosts[1];
    writeFileSync(join(host.root, 'tmp/boot_id'), 'first-boot\n');
    await using(new SshConnection(settings(host)), async (conn) => {
      assert.equal((await conn.exec(['hostname'])).stdout, 'h2\n');
      // The "reboot": a new boot id, then the host's ssh session process dies with everything under it.
      const rebootCommand = "sh -c 'echo second-boot > /tmp/boot_id; kill -9 $(ps -o ppid= -p $PPID)'";
      const { result } = await runModule(reboot, { reboot_command: rebootCommand, boot_time_command: 'cat /tmp/boot_id', reboot_timeout: 60 }, { connection: conn });
      assert.equal(result.failed, undefined, JSON.stringify(result));
      assert.equal(result.rebooted, true);
      assert.equal((await conn.exec(['cat', '/tmp/boot_id'])).stdout, 'second-boot\n');
      assert.ok(conn.counters.logins >= 2, JSON.stringify(conn.counters));
      assert.equal(conn.counters.perCommand, 0);
    });
  });

  test('jump hosts: the target behind the jump host gets its own stream over the forwarded connection', async () => {
    const [a, b] = lab.hosts;
    const pool = new ConnectionPool();
    try {
      const viaA = pool.get(settings(b, { jump: settings(a) })) as SshConnection;
      for (let i = 0; i < 3; i += 1) assert.equal((await viaA.exec(['hostname'])).stdout, 'h2\n');
      assert.equal((await viaA.exec(['cat'], { stdin: 'through the jump\n' })).stdout, 'through the jump\n');
      assert.deepEqual([viaA.counters.logins, viaA.counters.channels, viaA.counters.perCommand], [1, 1, 0]);
    } finally {
      await pool.closeAll();
    }
  });
});

describe('the per-command path', () => {
  test('betif_command_stream: false opens a channel per command', async () => {
    await using(new SshConnection(settings(lab.hosts[0], { commandStream: false })), async (conn) => {
      for (let i = 0; i < 3; i += 1) assert.equal((await conn.exec(['hostname'])).stdout, 'h1\n');
      assert.equal((await conn.exec(['cat'], { stdin: 'in' })).stdout, 'in');
      assert.equal((await withBecome(conn, { user: 'nobody' }).exec(['id', '-un'])).stdout, 'nobody\n');
      assert.deepEqual(conn.counters, { logins: 1, channels: 5, commands: 5, perCommand: 5 });
    });
  });

  test('a host whose shell cannot run the driver (no working head -c) falls back to it, with the same results', async () => {
    const host = lab.hosts[1];
    const bin = join(host.root, 'opt/lab/bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'head'), '#!/bin/sh\necho "head: broken" >&2\nexit 1\n');
    chmodSync(join(bin, 'head'), 0o755);
    try {
      await using(new SshConnection(settings(host)), async (conn) => {
        const first = await conn.exec(['sh', '-c', 'echo out; echo err >&2; exit 3']);
        assert.deepEqual(first, { rc: 3, stdout: 'out\n', stderr: 'err\n' });
        assert.equal((await conn.exec(['cat'], { stdin: 'line\n' })).stdout, 'line\n');
        assert.equal((await conn.exec(['pwd'], { cwd: '/srv' })).stdout, '/srv\n');
        assert.deepEqual(conn.counters, { logins: 1, channels: 4, commands: 3, perCommand: 3 }, 'one driver that did not start, then a channel per command');
      });
    } finally {
      rmSync(join(bin, 'head'));
    }
  });
});

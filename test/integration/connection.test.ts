import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BecomeError, withBecome } from '../../src/connection/become.js';
import { PREFERRED_KEX } from '../../src/connection/key-exchange.js';
import { ConnectionPool } from '../../src/connection/pool.js';
import { settingsFromVars, type ConnectionSettings, type SettingsDefaults } from '../../src/connection/settings.js';
import { SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError } from '../../src/connection/types.js';
import { labSettings, labPort, startLab, type Lab, type LabHost } from '../helpers/lab.js';

let lab: Lab;
let scratch: string;

function settings(host: LabHost, overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return labSettings(lab, host, overrides);
}

/** Runs fn with a fresh connection and always closes it. */
async function using<T>(connection: SshConnection, fn: (connection: SshConnection) => Promise<T>): Promise<T> {
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

function acceptedLogins(host: LabHost): number {
  return readFileSync(join(host.root, 'var/log/betif-sshd.log'), 'utf8').split('\n').filter((line) => line.includes('Accepted ')).length;
}

function hostKeyFingerprint(host: LabHost): string {
  const out = execFileSync('ssh-keygen', ['-lf', join(lab.dir, 'hosts', host.name, 'ssh_host_ed25519_key.pub')], { encoding: 'utf8' });
  return out.split(' ')[1];
}

before(async () => {
  lab = await startLab(3, { basePort: labPort(2401), dir: join(tmpdir(), 'betif-lab-connection') });
  scratch = mkdtempSync(join(tmpdir(), 'betif-connection-'));
});

after(async () => {
  await lab?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('commands over ssh', () => {
  test('exec returns rc, stdout and stderr (utf-8)', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const result = await conn.exec(['sh', '-c', 'echo "out é"; echo err >&2; exit 3']);
      assert.deepEqual(result, { rc: 3, stdout: 'out é\n', stderr: 'err\n' });
      assert.equal((await conn.exec(['sh', '-c', 'kill -9 $$'])).rc, 137, 'killed by SIGKILL, as a shell reports it');
    });
  });

  test('stdin (text or bytes) reaches the command; cwd and env apply', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      assert.equal((await conn.exec(['cat'], { stdin: 'line 1\nline 2\n' })).stdout, 'line 1\nline 2\n');
      assert.equal((await conn.exec(['od', '-An', '-tx1'], { stdin: Buffer.from([0, 255, 10]) })).stdout.trim(), '00 ff 0a');
      const result = await conn.exec(['sh', '-c', 'pwd; echo "$GREETING"'], { cwd: '/srv', env: { GREETING: "hello; it's $HOME" } });
      assert.equal(result.stdout, "/srv\nhello; it's $HOME\n");
      assert.equal((await conn.exec(['true'], { cwd: '/does/not/exist' })).rc, 1);
    });
  });

  test('arguments are data, never shell text', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const tricky = ['x; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', "' && touch /tmp/pwned '", 'a\nb', '', '*'];
      const result = await conn.exec(['printf', '[%s]', ...tricky]);
      assert.equal(result.stdout, tricky.map((word) => `[${word}]`).join(''));
      assert.equal(existsSync(join(lab.hosts[0].root, 'tmp/pwned')), false);
    });
  });

  test('the key exchange follows KexAlgorithms: one the host does not offer fails the login, naming the reason', async () => {
    await using(new SshConnection(settings(lab.hosts[0], { kexAlgorithms: ['curve25519-sha256'] })), async (conn) => {
      assert.equal((await conn.exec(['true'])).rc, 0);
    });
    await using(new SshConnection(settings(lab.hosts[0], { kexAlgorithms: ['diffie-hellman-group1-sha1'] })), async (conn) => {
      await assert.rejects(conn.exec(['true']), (error: unknown) => error instanceof UnreachableError && /no matching key exchange/i.test(error.message));
    });
  });

  test('one handshake serves 100 commands (sequential and parallel)', async () => {
    const host = lab.hosts[0];
    const loginsBefore = acceptedLogins(host);
    await using(new SshConnection(settings(host)), async (conn) => {
      await conn.exec(['true']);
      for (let i = 0; i < 100; i += 1) assert.equal((await conn.exec(['true'])).rc, 0);
      const clients = await Promise.all(Array.from({ length: 100 }, () => conn.exec(['sh', '-c', 'echo $SSH_CONNECTION'])));
      assert.equal(new Set(clients.map((result) => result.stdout)).size, 1, 'every command came over the same TCP connection');
    });
    assert.equal(acceptedLogins(host) - loginsBefore, 1);
  });
});

describe('jump hosts', () => {
  test('a host is reached through its jump host, whose connection is shared', async () => {
    const [a, b] = lab.hosts;
    const defaults: SettingsDefaults = { hostKeyChecking: 'strict', knownHostsFiles: [lab.knownHostsPath] };
    const inventory: Record<string, Record<string, unknown>> = {
      h1: { ansible_host: '127.0.0.1', ansible_port: a.port, ansible_user: 'root', ansible_ssh_private_key_file: lab.keyPath },
      h2: { ansible_host: '127.0.0.1', ansible_port: b.port, ansible_user: 'root', ansible_ssh_private_key_file: lab.keyPath, betif_jump_host: 'h1' },
    };
    const resolve = (name: string): ConnectionSettings => settingsFromVars(name, inventory[name], resolve, defaults);
    const pool = new ConnectionPool();
    const loginsOnA = acceptedLogins(a);
    try {
      const viaA = pool.get(resolve('h2'));
      assert.equal((await viaA.exec(['hostname'])).stdout, 'h2\n');
      assert.equal((await pool.get(resolve('h1')).exec(['hostname'])).stdout, 'h1\n');
      assert.equal(acceptedLogins(a) - loginsOnA, 1, 'h1 served as jump host and as target over one connection');

      // The TCP connection to h2's sshd belongs to an sshd chrooted into h1: the path went through h1.
      const sockets = execFileSync('ss', ['-Htnp', 'state', 'established', `( dport = :${b.port} )`], { encoding: 'utf8' });
      const owners = [...sockets.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
      assert.ok(owners.length > 0, sockets);
      for (const pid of owners) assert.equal(readlinkSync(`/proc/${pid}/root`), a.root);
    } finally {
      await pool.closeAll();
    }
  });

  test('an unreachable jump host or target names the hop that failed', async () => {
    const [a, b] = lab.hosts;
    const pool = new ConnectionPool();
    try {
      const deadJump = pool.get(settings(b, { jump: settings(a, { port: 2499 }) }));
      await assert.rejects(deadJump.exec(['true']), (error: Error) => error instanceof UnreachableError && /port 2499: Connection refused \(jump host h1\)$/.test(error.message));
      const deadTarget = pool.get(settings(b, { port: 2498, jump: settings(a) }));
      await assert.rejects(deadTarget.exec(['true']), (error: Error) => error instanceof UnreachableError && /connect to host 127\.0\.0\.1 port 2498 via jump host h1: /.test(error.message));
    } finally {
      await pool.closeAll();
    }
  });
});

describe('host key checking', () => {
  test('strict: an unknown host key is refused with its fingerprint and how to accept it', async () => {
    const empty = join(scratch, 'empty_known_hosts');
    writeFileSync(empty, '');
    const host = lab.hosts[0];
    await assert.rejects(
      using(new SshConnection(settings(host, { knownHostsFiles: [empty] })), (conn) => conn.exec(['true'])),
      (error: Error) => {
        assert.ok(error instanceof UnreachableError);
        assert.match(error.message, /^Failed to connect to the host via ssh: /);
        assert.ok(error.message.includes(`h1`), error.message);
        assert.ok(error.message.includes(`ED25519 key fingerprint is ${hostKeyFingerprint(host)}`), error.message);
        assert.ok(error.message.includes(`ssh-keyscan -p ${host.port} -t ed25519 127.0.0.1`), error.message);
        assert.ok(error.message.includes('--host-key-checking accept-new'), error.message);
        return true;
      },
    );
  });

  test('accept-new: an unknown key is appended to the first known_hosts file and trusted from then on', async () => {
    const file = join(scratch, 'accept-new', 'known_hosts');
    const host = lab.hosts[0];
    await using(new SshConnection(settings(host, { hostKeyChecking: 'accept-new', knownHostsFiles: [file] })), (conn) => conn.exec(['true']));
    const labLine = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((line) => line.startsWith(`[127.0.0.1]:${host.port} `));
    assert.equal(readFileSync(file, 'utf8'), `${labLine}\n`);
    const result = await using(new SshConnection(settings(host, { knownHostsFiles: [file] })), (conn) => conn.exec(['hostname']));
    assert.equal(result.stdout, 'h1\n');
  });

  test('hashed known_hosts entries are recognised', async () => {
    const file = join(scratch, 'hashed_known_hosts');
    writeFileSync(file, readFileSync(lab.knownHostsPath));
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    assert.match(readFileSync(file, 'utf8'), /^\|1\|/);
    const result = await using(new SshConnection(settings(lab.hosts[0], { knownHostsFiles: [file] })), (conn) => conn.exec(['hostname']));
    assert.equal(result.stdout, 'h1\n');
  });

  test('a changed host key is refused, even with accept-new', async () => {
    const h1 = lab.hosts[0];
    const file = join(scratch, 'changed_known_hosts');
    const h2Key = readFileSync(join(lab.dir, 'hosts', 'h2', 'ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `[127.0.0.1]:${h1.port} ${h2Key}\n`);
    for (const hostKeyChecking of ['strict', 'accept-new'] as const) {
      await assert.rejects(
        using(new SshConnection(settings(h1, { hostKeyChecking, knownHostsFiles: [file] })), (conn) => conn.exec(['true'])),
        (error: Error) => error instanceof UnreachableError && error.message.includes('REMOTE HOST IDENTIFICATION HAS CHANGED') && error.message.includes(hostKeyFingerprint(h1)),
      );
    }
    assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 1);
  });

  test('off: any key is accepted', async () => {
    const result = await using(new SshConnection(settings(lab.hosts[0], { hostKeyChecking: 'off', knownHostsFiles: [] })), (conn) => conn.exec(['hostname']));
    assert.equal(result.stdout, 'h1\n');
  });
});

describe('authentication and become', () => {
  before(async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const setup = [
        'id deploy >/dev/null 2>&1 || useradd -m -s /bin/sh deploy',
        'id ops >/dev/null 2>&1 || useradd -m -s /bin/sh ops',
        'echo deploy:s3cret-pass | chpasswd',
        "echo 'ops:*' | chpasswd -e",
        // One password attempt: a wrong password fails after one PAM delay instead of three.
        'printf "Defaults:deploy passwd_tries=1\\ndeploy ALL=(ALL) ALL\\n" > /etc/sudoers.d/deploy',
        'echo "ops ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/ops',
        'chmod 440 /etc/sudoers.d/deploy /etc/sudoers.d/ops',
      ].join(' && ');
      const result = await conn.exec(['sh', '-c', setup]);
      assert.equal(result.rc, 0, result.stderr);
    });
  });

  test('password authentication; a wrong password is unreachable with "Permission denied"', async () => {
    const host = lab.hosts[0];
    const ok = await using(new SshConnection(settings(host, { user: 'deploy', privateKeyFile: undefined, password: 's3cret-pass' })), (conn) => conn.exec(['id', '-un']));
    assert.equal(ok.stdout, 'deploy\n');
    await assert.rejects(
      using(new SshConnection(settings(host, { user: 'deploy', privateKeyFile: lab.keyPath + '.missing' })), (conn) => conn.exec(['true'])),
      (error: Error) => error instanceof UnreachableError && error.message === `Failed to connect to the host via ssh: cannot read private key file ${lab.keyPath}.missing: ENOENT`,
    );
    await assert.rejects(
      using(new SshConnection(settings(host, { user: 'deploy', privateKeyFile: undefined, password: 'wrong' })), (conn) => conn.exec(['true'])),
      (error: Error) => error instanceof UnreachableError && /deploy@127\.0\.0\.1: Permission denied/.test(error.message),
    );
  });

  test('become without a password (root to another user); same user runs as is', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const asNobody = withBecome(conn, { user: 'nobody' });
      assert.equal((await asNobody.exec(['id', '-un'])).stdout, 'nobody\n');
      assert.equal((await asNobody.exec(['sh', '-c', 'echo "$X"; cat'], { env: { X: 'kept' }, stdin: 'input' })).stdout, 'kept\ninput');
      assert.equal(withBecome(conn, { user: 'root' }), conn);
    });
  });

  test('become with a password: fed on stdin ahead of the command input, never in argv', async () => {
    const deploy = settings(lab.hosts[0], { user: 'deploy' });
    await using(new SshConnection(deploy), async (conn) => {
      const asRoot = withBecome(conn, { user: 'root', password: 's3cret-pass' });
      assert.equal((await asRoot.exec(['id', '-un'])).stdout, 'root\n');
      assert.equal((await asRoot.exec(['cat'], { stdin: 'only this\n' })).stdout, 'only this\n');
      const processes = await asRoot.exec(['ps', '-eo', 'args']);
      assert.ok(processes.stdout.includes('sudo -S'), processes.stdout);
      assert.ok(!processes.stdout.includes('s3cret-pass'));

      await assert.rejects(withBecome(conn, { user: 'root' }).exec(['true']), (error: Error) => error instanceof BecomeError && error.message === 'Missing sudo password');
      await assert.rejects(withBecome(conn, { user: 'root', password: 'nope' }).exec(['true']), (error: Error) => error instanceof BecomeError && error.message === 'Incorrect sudo password');
    });
  });

  test('become_method su: as root without a password, stdin and environment kept', async () => {
    await using(new SshConnection(settings(lab.hosts[0])), async (conn) => {
      const asDeploy = withBecome(conn, { user: 'deploy', method: 'su' });
      assert.deepEqual(await asDeploy.exec(['sh', '-c', 'id -un; echo "$X $HOME"; cat'], { env: { X: 'kept' }, stdin: 'input' }), { rc: 0, stdout: 'deploy\nkept /home/deploy\ninput', stderr: '' });
      await assert.rejects(withBecome(conn, { user: 'no-such-user', method: 'su' }).exec(['true']), (error: Error) => error instanceof BecomeError && /^su refused to run the command as no-such-user on h1: user no-such-user does not exist/.test(error.message));
    });
  });

  test('become_method su with a password: fed on stdin, its prompt kept out of stderr, never in argv', async () => {
    await using(new SshConnection(settings(lab.hosts[0], { user: 'ops' })), async (conn) => {
      const asDeploy = withBecome(conn, { user: 'deploy', password: 's3cret-pass', method: 'su' });
      assert.deepEqual(await asDeploy.exec(['sh', '-c', 'id -un; cat; echo err >&2'], { stdin: 'only this\n' }), { rc: 0, stdout: 'deploy\nonly this\n', stderr: 'err\n' });
      const processes = await asDeploy.exec(['ps', '-eo', 'args']);
      assert.ok(processes.stdout.includes('su deploy -c'), processes.stdout);
      assert.ok(!processes.stdout.includes('s3cret-pass'));
      await assert.rejects(withBecome(conn, { user: 'deploy', method: 'su' }).exec(['true']), (error: Error) => error instanceof BecomeError && error.message === 'Missing su password');
      await assert.rejects(withBecome(conn, { user: 'deploy', password: 'nope', method: 'su' }).exec(['true']), (error: Error) => error instanceof BecomeError && error.message === 'Incorrect su password');
    });
    await using(new SshConnection(settings(lab.hosts[0], { user: 'ops', commandStream: false })), async (conn) => {
      const perCommand = withBecome(conn, { user: 'deploy', password: 's3cret-pass', method: 'su' });
      assert.deepEqual(await perCommand.exec(['sh', '-c', 'id -un; cat; echo err >&2'], { stdin: 'per command\n' }), { rc: 0, stdout: 'deploy\nper command\n', stderr: 'err\n' });
      await assert.rejects(withBecome(conn, { user: 'deploy', password: 'nope', method: 'su' }).exec(['true']), (error: Error) => error instanceof BecomeError && error.message === 'Incorrect su password');
    });
  });

  test('a password given for a NOPASSWD rule does not leak into the command input', async () => {
    await using(new SshConnection(settings(lab.hosts[0], { user: 'ops' })), async (conn) => {
      const asRoot = withBecome(conn, { user: 'root', password: 'unused' });
      assert.deepEqual(await asRoot.exec(['sh', '-c', 'id -un; cat'], { stdin: 'payload' }), { rc: 0, stdout: 'root\npayload', stderr: '' });
    });
  });
});

describe('unreachable hosts', () => {
  test('a stopped sshd: refused connection, dropped session, and reconnect once it is back', async () => {
    const host = lab.hosts[2];
    await using(new SshConnection(settings(host)), async (conn) => {
      assert.equal((await conn.exec(['hostname'])).stdout, 'h3\n');
      const running = assert.rejects(conn.exec(['sleep', '30']), (error: Error) => error instanceof UnreachableError && error.message.includes('Shared connection to 127.0.0.1 closed'));
      await lab.stopHost('h3');
      await running;
      await assert.rejects(conn.exec(['true']), (error: Error) => {
        assert.ok(error instanceof UnreachableError);
        assert.equal(error.message, `Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port ${host.port}: Connection refused`);
        return true;
      });
      const back = lab.startHosts();
      await conn.reconnect(10_000);
      await back;
      assert.equal((await conn.exec(['hostname'])).stdout, 'h3\n');
    });
  });

  test('reconnect gives up after its timeout', async () => {
    const conn = new SshConnection(settings(lab.hosts[0], { port: 2499 }));
    await assert.rejects(conn.reconnect(1_500), (error: Error) => error instanceof UnreachableError && /still unreachable after 2s/.test(error.message));
  });
});

describe('settings from Ansible variables', () => {
  const defaults: SettingsDefaults = { user: 'admin', hostKeyChecking: 'strict', knownHostsFiles: ['/lab/known_hosts'] };
  const direct = (name: string) => settingsFromVars(name, {}, direct, defaults);

  test('ansible_host, port, user, key, password, become and timeouts', () => {
    const result = settingsFromVars(
      'web',
      {
        ansible_host: '10.0.0.5', ansible_port: '2222', ansible_user: 'deploy', ansible_ssh_private_key_file: '/keys/id',
        ansible_password: 'pw', ansible_become: 'yes', ansible_become_password: 'bpw', ansible_ssh_timeout: 3,
      },
      direct,
      defaults,
    );
    assert.deepEqual(
      { ...result, knownHostsFiles: result.knownHostsFiles.slice(0, 1) },
      {
        host: 'web', kind: 'ssh', address: '10.0.0.5', port: 2222, user: 'deploy', privateKeyFile: '/keys/id', password: 'pw',
        hostKeyChecking: 'strict', knownHostsFiles: ['/lab/known_hosts'], connectTimeoutMs: 3000, become: { user: 'root', method: 'sudo', password: 'bpw' },
      },
    );
    assert.equal(settingsFromVars('db', {}, direct, defaults).user, 'admin');
    assert.equal(settingsFromVars('db', { ansible_connection: 'local' }, direct, defaults).kind, 'local');
    assert.equal(settingsFromVars('db', { ansible_connection: 'smart' }, direct, defaults).kind, 'ssh');
    assert.throws(() => settingsFromVars('db', { ansible_connection: 'winrm' }, direct, defaults), /connection type 'winrm' is not supported/);
  });

  test('ssh common args: ProxyJump chains, StrictHostKeyChecking and UserKnownHostsFile', () => {
    const result = settingsFromVars(
      'inner',
      { ansible_ssh_common_args: '-o ProxyJump=ops@bastion:2200,gate -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/tmp/kh' },
      direct,
      defaults,
    );
    assert.equal(result.hostKeyChecking, 'accept-new');
    assert.equal(result.knownHostsFiles[0], '/tmp/kh');
    assert.equal(result.jump?.host, 'gate');
    assert.equal(result.jump?.jump?.host, 'bastion');
    assert.equal(result.jump?.jump?.user, 'ops');
    assert.equal(result.jump?.jump?.port, 2200);
    const viaCommand = settingsFromVars('inner', { ansible_ssh_common_args: `-o ProxyCommand="ssh -W %h:%p -q jumper@bastion -p 2022"` }, direct, defaults);
    assert.deepEqual([viaCommand.jump?.user, viaCommand.jump?.address, viaCommand.jump?.port], ['jumper', 'bastion', 2022]);
  });

  test('keepalives: ServerAliveInterval and ServerAliveCountMax from ansible.cfg ssh_args or the host\'s ssh args', () => {
    const fromConfig = settingsFromVars('db', {}, direct, { ...defaults, sshArgs: '-C -o ControlMaster=auto -o ServerAliveInterval=5' });
    assert.deepEqual([fromConfig.keepaliveIntervalMs, fromConfig.keepaliveCountMax], [5_000, undefined]);
    const fromHost = settingsFromVars('db', { ansible_ssh_common_args: '-o ServerAliveInterval=2 -o ServerAliveCountMax=4' }, direct, { ...defaults, sshArgs: '-o ServerAliveInterval=5' });
    assert.deepEqual([fromHost.keepaliveIntervalMs, fromHost.keepaliveCountMax], [2_000, 4]);
    assert.throws(() => settingsFromVars('db', { ansible_ssh_extra_args: '-o ServerAliveCountMax=none' }, direct, defaults), /ServerAliveCountMax must be a positive whole number, got 'none'/);
  });

  test('KexAlgorithms as OpenSSH reads it: a list, +appended, -removed (wildcards) and ^first; P-256 leads by default', () => {
    const kex = (option?: string) => settingsFromVars('db', option === undefined ? {} : { ansible_ssh_extra_args: `-o KexAlgorithms=${option}` }, direct, defaults).kexAlgorithms;
    assert.equal(kex(), undefined);
    assert.equal(PREFERRED_KEX[0], 'ecdh-sha2-nistp256');
    assert.deepEqual(kex('curve25519-sha256,diffie-hellman-group14-sha256'), ['curve25519-sha256', 'diffie-hellman-group14-sha256']);
    assert.deepEqual(kex('+diffie-hellman-group14-sha1'), [...PREFERRED_KEX, 'diffie-hellman-group14-sha1']);
    assert.deepEqual(kex('-ecdh-sha2-*,diffie-hellman*'), ['curve25519-sha256', 'curve25519-sha256@libssh.org']);
    assert.deepEqual(kex('^curve25519-sha256')?.slice(0, 2), ['curve25519-sha256', 'ecdh-sha2-nistp256']);
    assert.equal(kex('^curve25519-sha256')?.length, PREFERRED_KEX.length);
  });

  test('a jump host loop is an error naming the loop', () => {
    const vars: Record<string, Record<string, unknown>> = { a: { betif_jump_host: 'b' }, b: { betif_jump_host: 'a' } };
    const resolve = (name: string): ConnectionSettings => settingsFromVars(name, vars[name] ?? {}, resolve, defaults);
    assert.throws(() => resolve('a'), /jump host loop: a -> b -> a/);
  });
});

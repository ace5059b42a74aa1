import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../../src/connection/types.js';

const ATTACH_WAIT_MS = 10_000;

function traced(pid: number): boolean {
  return /^TracerPid:\s*[1-9]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/**
 * What every process started on the host while `run` ran became: the program it ran (the last one, as a shell
 * that forks and then execs its last command is one process), or "sh" for a forked shell that ran none. Seen by
 * strace attached to the connection's command-stream driver: the lab's hosts share the machine's process ids, so
 * this is the real path of a command, forks included. Nothing else may use the connection meanwhile.
 */
export async function onHost<T>(conn: Connection, run: () => Promise<T>): Promise<{ result: T; processes: string[] }> {
  const driver = Number((await conn.exec(['sh', '-c', 'echo $PPID'])).stdout);
  const folder = mkdtempSync(join(tmpdir(), 'host-processes-'));
  const output = join(folder, 'trace');
  const strace = spawn('strace', ['-f', '-qq', '-e', 'trace=execve,exit_group', '-e', 'signal=none', '-p', String(driver), '-o', output], { stdio: 'ignore' });
  const exited = new Promise((resolve) => strace.once('exit', resolve));
  try {
    const deadline = Date.now() + ATTACH_WAIT_MS;
    while (!traced(driver)) {
      if (Date.now() > deadline) throw new Error(`strace did not attach to the driver (pid ${driver})`);
      await sleep(10);
    }
    const result = await run();
    strace.kill('SIGINT');
    await exited;
    return { result, processes: programs(readFileSync(output, 'utf8'), driver) };
  } finally {
    strace.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Each traced process but the driver, in the order they ran their program (shells that ran none last). */
function programs(trace: string, driver: number): string[] {
  const attempted = new Map<number, string>();
  const ran = new Map<number, string>();
  const seen = new Set<number>();
  for (const line of trace.split('\n')) {
    const pid = Number(line.slice(0, line.indexOf(' ')));
    if (!pid || pid === driver) continue;
    seen.add(pid);
    const path = /execve\("([^"]+)"/.exec(line)?.[1];
    if (path) attempted.set(pid, path);
    if (/execve/.test(line) && / = 0$/.test(line)) {
      ran.delete(pid);
      ran.set(pid, basename(attempted.get(pid) ?? '?'));
    }
  }
  return [...ran.values(), ...[...seen].filter((pid) => !ran.has(pid)).map(() => 'sh')];
}

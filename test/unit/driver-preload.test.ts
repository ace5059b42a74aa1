import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { DRIVER_HELLO, driverStart, encodeRequest, preloadScript, streamRequest, type StreamRequest } from '../../src/connection/driver.js';
import { shellScript } from '../../src/connection/quote.js';
import { FACTS_SCRIPT, parseFactOutput } from '../../src/facts/script.js';
import '../../src/facts/gather.js';

/*
 * A driver run here, locally, on the requests the controller would send it: a preloaded script is a function of
 * the driver from its start, so its first run sends only the call.
 */

/** Starts the driver with /bin/sh, sends one request per command text and returns what it printed. */
function driverRun(script: string, requests: (StreamRequest | string)[]): string {
  const encoded = requests.map((request, index) => encodeRequest(`t${index}`, typeof request === 'string' ? { text: request, collected: false } : request));
  const run = spawnSync('/bin/sh', ['-c', script, 'sh'], { input: Buffer.concat(encoded), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('a preloaded script runs on its first request from a call alone, with its arguments, in a subshell', () => {
  const script = `# ${'-'.repeat(300)}\nx=changed\nprintf '%s|' "$#" "$@" "$x"\n`;
  preloadScript(script);
  const start = driverStart();
  const call = streamRequest(shellScript(script, ['a b', "it's"]), {}, start.definitions);
  assert.ok(call.text.length < 60, call.text);
  const out = driverRun(start.script, [call, 'echo "[$x]"']);
  assert.ok(out.startsWith(DRIVER_HELLO));
  assert.match(out, /2\|a b\|it's\|changed\|/);
  assert.match(out, /\[\]/, "the script's variables stay in its subshell");
});

test('a script too short to be defined cannot be preloaded', () => {
  assert.throws(() => preloadScript('echo hi'), /at least/);
});

test('the facts script is preloaded: every driver holds it, and a call gathers the wanted parts', () => {
  const start = driverStart();
  const call = streamRequest(shellScript(FACTS_SCRIPT, ['', 'platform cmdline']), {}, start.definitions);
  assert.ok(call.text.length < 80, call.text);
  const inputs = parseFactOutput(driverRun(start.script, [call]));
  assert.ok(inputs.sections.has('end'));
  assert.ok(inputs.files.has('/proc/sys/kernel/hostname'));
  assert.ok(inputs.files.has('/proc/cmdline'));
  assert.equal(inputs.files.has('/proc/self/environ'), false, 'what is not wanted is not read');
  assert.equal(inputs.sections.has('date'), false);
});

/** A script long enough to be defined, preloaded: it prints lines, a warning, reads its input, exits with $1. */
const LINES_SCRIPT = `# ${'='.repeat(300)}
trap 'rm -f /nonexistent-betif-file' EXIT
x=changed
printf 'arg=%s\\n' "$2"
IFS= read -r line && printf 'input=%s\\n' "$line"
[ -n "$3" ] && echo "warning: $3" >&2
printf '\\n\\n'
exit "$1"
`;
preloadScript(LINES_SCRIPT);

test('a lines-only command of a defined script is answered in one write per stream, its exit code and stderr kept', () => {
  const start = driverStart();
  const ok = streamRequest(shellScript(LINES_SCRIPT, ['0', 'a b', '']), { linesOnly: true }, start.definitions);
  const failing = streamRequest(shellScript(LINES_SCRIPT, ['3', "it's", 'careful']), { linesOnly: true }, start.definitions);
  assert.equal(ok.collected, true);
  const encoded = [encodeRequest('t0', ok, Buffer.from('first\n')), encodeRequest('t1', failing), encodeRequest('t2', { text: 'echo "[$x]"', collected: false })];
  const run = spawnSync('/bin/sh', ['-c', start.script, 'sh'], { input: Buffer.concat(encoded), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${DRIVER_HELLO}t0a\narg=a b\ninput=first\nt0z0\nt1a\narg=it's\nt1z3\nt2a\n[]\nt2z0\n`);
  assert.equal(run.stderr, 't0a\nt0z\nt1a\nwarning: careful\nt1z\nt2a\nt2z\n');
});

test('a lines-only command is answered as any other where the driver cannot make its folder', () => {
  const start = driverStart();
  const request = streamRequest(shellScript(LINES_SCRIPT, ['0', 'a', '']), { linesOnly: true }, start.definitions);
  const run = spawnSync('/bin/sh', ['-c', start.script, 'sh'], { input: encodeRequest('t0', request), encoding: 'utf8', env: { ...process.env, TMPDIR: '/nonexistent/betif' } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `${DRIVER_HELLO}t0a\narg=a\n\n\nt0z0\n`);
});

test('only a call of a defined script is collected: a first run (eval) or a definition is not', () => {
  const start = driverStart();
  const script = `# ${'+'.repeat(300)}\necho one\n`;
  const first = streamRequest(shellScript(script, []), { linesOnly: true }, start.definitions);
  const second = streamRequest(shellScript(script, []), { linesOnly: true }, start.definitions);
  const third = streamRequest(shellScript(script, []), { linesOnly: true }, start.definitions);
  assert.deepEqual([first.collected, second.collected, third.collected], [false, false, true]);
  assert.equal(driverRun(start.script, [first, second, third]), `${DRIVER_HELLO}t0a\none\nt0z0\nt1a\none\nt1z0\nt2a\none\nt2z0\n`);
});

test("a lines-only command's answer reaches the reader as one piece", async () => {
  const start = driverStart();
  const request = streamRequest(shellScript(LINES_SCRIPT, ['0', 'x'.repeat(500), '']), { linesOnly: true }, start.definitions);
  const driver = spawn('/bin/sh', ['-c', start.script, 'sh'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pieces: string[] = [];
  let hello = false;
  const answered = new Promise<void>((resolve) => {
    driver.stdout.on('data', (chunk: Buffer) => {
      if (!hello) {
        hello = chunk.toString() === DRIVER_HELLO;
        assert.ok(hello, chunk.toString());
        driver.stdin.write(encodeRequest('t0', request));
        return;
      }
      pieces.push(chunk.toString());
      if (chunk.toString().endsWith('t0z0\n')) resolve();
    });
  });
  await answered;
  driver.stdin.end();
  await once(driver, 'close');
  assert.equal(pieces.length, 1, JSON.stringify(pieces));
  assert.match(pieces[0], /^t0a\narg=x{500}\nt0z0\n$/);
});

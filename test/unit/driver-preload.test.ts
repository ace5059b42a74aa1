import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { DRIVER_HELLO, driverStart, encodeRequest, preloadScript, streamCommandText } from '../../src/connection/driver.js';
import { shellScript } from '../../src/connection/quote.js';
import { FACTS_SCRIPT, parseFactOutput } from '../../src/facts/script.js';
import '../../src/facts/gather.js';

/*
 * A driver run here, locally, on the requests the controller would send it: a preloaded script is a function of
 * the driver from its start, so its first run sends only the call.
 */

/** Starts the driver with /bin/sh, sends one request per command text and returns what it printed. */
function driverRun(script: string, texts: string[]): string {
  const requests = texts.map((text, index) => encodeRequest(`t${index}`, text));
  const run = spawnSync('/bin/sh', ['-c', script, 'sh'], { input: Buffer.concat(requests), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

test('a preloaded script runs on its first request from a call alone, with its arguments, in a subshell', () => {
  const script = `# ${'-'.repeat(300)}\nx=changed\nprintf '%s|' "$#" "$@" "$x"\n`;
  preloadScript(script);
  const start = driverStart();
  const call = streamCommandText(shellScript(script, ['a b', "it's"]), {}, start.definitions);
  assert.ok(call.length < 60, call);
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
  const call = streamCommandText(shellScript(FACTS_SCRIPT, ['', 'platform cmdline']), {}, start.definitions);
  assert.ok(call.length < 80, call);
  const inputs = parseFactOutput(driverRun(start.script, [call]));
  assert.ok(inputs.sections.has('end'));
  assert.ok(inputs.files.has('/proc/sys/kernel/hostname'));
  assert.ok(inputs.files.has('/proc/cmdline'));
  assert.equal(inputs.files.has('/proc/self/environ'), false, 'what is not wanted is not read');
  assert.equal(inputs.sections.has('date'), false);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INTERNAL_ERROR_EXIT, reportInternalError, wantsStack } from '../../src/cli/internal-error.js';

/** What reportInternalError writes to stderr, and the exit code it gives. */
function reported(error: unknown, showStack: boolean, mask?: (text: string) => string): { code: number; stderr: string } {
  let stderr = '';
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    return { code: reportInternalError(error, showStack, mask), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('an unexpected error is reported as a bug: one line asking for a report, exit 250 as Ansible', () => {
  test('one line, no stack without -vvv', () => {
    const { code, stderr } = reported(new TypeError("Cannot read properties of undefined (reading 'x')\nsecond line"), false);
    assert.equal(code, 250);
    assert.equal(INTERNAL_ERROR_EXIT, 250);
    assert.equal(stderr, "ERROR! Unexpected Exception, this is probably a bug in betif-play: Cannot read properties of undefined (reading 'x') (please report it, with the output of -vvv)\n");
  });

  test('the stack follows with -vvv, and secrets stay masked in both', () => {
    const { stderr } = reported(new Error('token s3cret rejected'), true, (text) => text.replaceAll('s3cret', '********'));
    assert.match(stderr, /^ERROR! Unexpected Exception, this is probably a bug in betif-play: token \*{8} rejected/);
    assert.match(stderr, /\n\s+at /);
    assert.doesNotMatch(stderr, /s3cret/);
  });

  test('-vvv is counted however it is written', () => {
    assert.equal(wantsStack(['x.yml', '-vvv']), true);
    assert.equal(wantsStack(['-v', '-vv']), true);
    assert.equal(wantsStack(['--verbose', '--verbose', '--verbose']), true);
    assert.equal(wantsStack(['-vv']), false);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { mergeSliceStats, RecapMergeError } from '../../src/cli/recap-merge.js';
import { hostsInSlice, parseSlice, SlicedInventory, sliceOfHost } from '../../src/inventory/slice.js';
import { loadInventory } from '../../src/inventory/load.js';

const hosts = (count: number): string[] => Array.from({ length: count }, (_, index) => `node${index + 1}.example.org`);

describe('slicing hosts (--slice i/N)', () => {
  test('i/N is parsed 1-based, and anything else is refused', () => {
    assert.deepEqual(parseSlice('2/5'), { index: 2, count: 5 });
    for (const bad of ['0/5', '6/5', '1/0', 'a/b', '2', '2/5/1', '-1/3']) assert.equal(parseSlice(bad), undefined, bad);
  });

  test('every host is in exactly one slice, and slices are roughly even', () => {
    const all = hosts(1000);
    const slices = [1, 2, 3, 4, 5].map((index) => hostsInSlice(all, { index, count: 5 }));
    assert.deepEqual(slices.flat().sort(), [...all].sort());
    for (const slice of slices) assert.ok(slice.length > 150 && slice.length < 250, String(slice.length));
  });

  test('adding hosts moves no existing host to another slice', () => {
    const before = new Map(hosts(200).map((host) => [host, sliceOfHost(host, 7)]));
    const grown = [...hosts(200), ...Array.from({ length: 50 }, (_, index) => `new${index}.example.org`)];
    for (const host of grown.slice(0, 200)) assert.equal(sliceOfHost(host, 7), before.get(host));
    assert.deepEqual(hostsInSlice(grown, { index: 3, count: 7 }).filter((host) => before.has(host)), hostsInSlice(hosts(200), { index: 3, count: 7 }));
  });

  test('a sliced inventory shows only its hosts in groups, patterns and hostvars; localhost is in every slice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-slice-inv-'));
    writeFileSync(join(dir, 'hosts.ini'), '[web]\nw1\nw2\nw3\n[db]\nd1\n[all:vars]\nzone=lab\n');
    const whole = await loadInventory([join(dir, 'hosts.ini')]);
    const members = hostsInSlice(whole.hostNames(), { index: 1, count: 2 });
    const sliced = new SlicedInventory(whole, members, { index: 1, count: 2 });
    assert.deepEqual(sliced.hostNames(), members);
    assert.deepEqual(sliced.hostsOf('all'), members);
    assert.deepEqual(sliced.select('web:db'), whole.select('web:db').filter((host) => members.includes(host)));
    assert.deepEqual(sliced.select('localhost'), ['localhost']);
    const outside = whole.hostNames().find((host) => !members.includes(host)) ?? '';
    assert.deepEqual(sliced.hostVars(outside), {});
    assert.match(sliced.outsideReason(outside) ?? '', /is in slice 2\/2, not in this run's slice 1\/2/);
    assert.equal(sliced.outsideReason(members[0]), undefined);
  });
});

describe('recap merge', () => {
  test('adds up each host over the slices it ran in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-merge-'));
    const stats = (entries: Record<string, Record<string, number>>) => JSON.stringify({ plays: [], stats: entries });
    writeFileSync(join(dir, 'a.json'), stats({ w1: { ok: 2, changed: 1, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 }, localhost: { ok: 1 } }));
    writeFileSync(join(dir, 'b.json'), stats({ w2: { ok: 1, failures: 1 }, localhost: { ok: 1 } }));
    const merged = mergeSliceStats([join(dir, 'a.json'), join(dir, 'b.json')]);
    assert.equal(merged.get('localhost')?.ok, 2);
    assert.equal(merged.get('w2')?.failed, 1);
    assert.equal(merged.get('w1')?.changed, 1);
  });

  test('a file that is not a slice document is refused by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'betif-merge-bad-'));
    writeFileSync(join(dir, 'x.json'), 'ERROR! something\n');
    writeFileSync(join(dir, 'y.json'), '{"plays": []}');
    assert.throws(() => mergeSliceStats([join(dir, 'x.json')]), (error: Error) => error instanceof RecapMergeError && /x\.json: not JSON/.test(error.message));
    assert.throws(() => mergeSliceStats([join(dir, 'y.json')]), /y\.json: no "stats" in it/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateError, createTemplar } from '../../src/template/templar.js';

/** Expected values below were produced by ansible-core 2.14's own filter functions (Debian, Python 3.11, crypt). */
const VARS = { nested: [1, [2, [3, [4]]], null, 'None'], users: [{ name: 'a', keys: ['k1', 'k2'] }, { name: 'b', keys: [] }] };

function value(expression: string): unknown {
  return createTemplar(VARS).evaluate(expression);
}

function cases(title: string, table: [string, unknown][]): void {
  describe(title, () => {
    for (const [expression, expected] of table) test(`${expression} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(value(expression), expected));
  });
}

function failures(title: string, table: [string, RegExp][]): void {
  describe(title, () => {
    for (const [expression, message] of table) {
      test(`${expression} fails with ${message}`, () => assert.throws(() => value(expression), (error: unknown) => error instanceof TemplateError && message.test(error.message)));
    }
  });
}

cases('comment: styles and decoration', [
  ["'one\\ntwo' | comment", '#\n# one\n# two\n#'],
  ["'one\\ntwo' | comment('c')", '//\n// one\n// two\n//'],
  ["'x' | comment('erlang')", '%\n% x\n%'],
  ["'a\\nb' | comment('cblock')", '/*\n *\n * a\n * b\n *\n */'],
  ["'x' | comment('xml')", '<!--\n -\n - x\n -\n-->'],
  ["'a' | comment(prefix='', postfix='', decoration='-- ')", '-- a\n'],
  ["'x' | comment(decoration='; ', prefix_count=2, postfix='', end='END')", ';\n;\n; x\n\nEND'],
  ["'a\\n\\nb' | comment", '#\n# a\n#\n# b\n#'],
]);

cases('hashes, uuids and crypt password hashes (as Python crypt gives them)', [
  ["'x' | hash('md5')", '9dd4e461268c8034f5c8564e155c67a6'],
  ["'x' | hash(hashtype='sha256')", '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'],
  ["'x' | checksum", '11f6ad8ec52a2984abaafd7c3b516503785c2072'],
  ["'host1' | to_uuid", '7590dc85-6b79-5d0a-b4fc-5a7f0e7910a6'],
  ["'x' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8')", '05b16a01-46c6-56dd-bd6e-c6dfb4a1427a'],
  ["'secret' | password_hash('sha512', 'mysalt')", '$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1'],
  ["'secret' | password_hash('sha512', 'mysalt', rounds=656000)", '$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1'],
  ["'secret' | password_hash('sha256', salt='mysalt', rounds=5000)", '$5$rounds=5000$mysalt$I2SNajjJ3Gc5gIR/tkrLOGngF8wqv59buJCqxh.o9s8'],
  ["'secret' | password_hash('md5', 'abc')", '$1$abc$iCQ2D3nhptRYi27fDYv2s1'],
  ["'secret' | password_hash('sha512') | regex_search('^\\\\$6\\\\$[./0-9A-Za-z]{16}\\\\$[./0-9A-Za-z]{86}$') is string", true],
]);

failures('password_hash checks the salt as Ansible does', [
  ["'x' | password_hash('sha512', 'bad salt')", /^invalid characters in salt$/],
  ["'x' | password_hash('md5', '123456789')", /^invalid salt size$/],
  ["'x' | password_hash('blowfish', 'abc')", /crypt\.crypt does not support 'bcrypt' algorithm/],
]);

cases('random and shuffle with a seed give the numbers of Python random.Random(seed)', [
  ["100 | random(seed='web1')", 41],
  ['50 | random(start=10, step=5, seed=3)', 25],
  ["['a', 'b', 'c', 'd'] | random(seed='x')", 'c'],
  ["range(10) | list | shuffle(seed='h2')", [1, 4, 0, 6, 3, 2, 8, 5, 9, 7]],
  ['[1, 2, 3, 4, 5] | shuffle(seed=7)', [5, 1, 4, 2, 3]],
  ['(10 | random) < 10', true],
  ['[1, 2, 3] | shuffle | sort', [1, 2, 3]],
]);

failures('random on what it cannot choose from', [
  ["['a'] | random(start=1)", /^start and step can only be used with integer values$/],
  ['none | random', /random can only be used on sequences and integers|'none' is undefined/],
]);

cases('human_readable and human_to_bytes', [
  ['0 | human_readable', '0.00 Bytes'],
  ['1152 | human_readable', '1.12 KB'],
  ['(1024 ** 3 * 2.5) | human_readable', '2.50 GB'],
  ["1536 | human_readable(unit='M')", '0.00 MB'],
  ['2000 | human_readable(isbits=true)', '1.95 Kb'],
  ["'2K' | human_to_bytes", 2048],
  ["'1 MB' | human_to_bytes", 1048576],
  ["10 | human_to_bytes('G')", 10737418240],
  ["'0.5k' | human_to_bytes", 512],
  ["'10Mb' | human_to_bytes(isbits=true)", 10485760],
]);

failures('human_to_bytes refuses what Ansible refuses', [
  ["'10Mb' | human_to_bytes", /can't interpret following string: 10Mb/],
  ["'lots' | human_to_bytes", /can't interpret following string: lots/],
]);

cases('combinatorics, zip, flatten levels, subelements', [
  ['[1, 2, 3] | permutations(2) | list', [[1, 2], [1, 3], [2, 1], [2, 3], [3, 1], [3, 2]]],
  ['[1, 2, 3] | permutations | list | length', 6],
  ['[1, 2, 3] | combinations(2) | list', [[1, 2], [1, 3], [2, 3]]],
  ["[1, 2] | product(['a', 'b']) | list", [[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]],
  ["[1, 2, 3] | zip(['a', 'b']) | list", [[1, 'a'], [2, 'b']]],
  ["[1, 2, 3] | zip_longest(['a'], fillvalue='-') | list", [[1, 'a'], [2, '-'], [3, '-']]],
  ['nested | flatten', [1, 2, 3, 4]],
  ['nested | flatten(levels=1)', [1, 2, [3, [4]]]],
  ['nested | flatten(1, skip_nulls=false)', [1, 2, [3, [4]], null, 'None']],
  ["users | subelements('keys') | map(attribute='1') | list", ['k1', 'k2']],
  ["'abc' | regex_findall('[ab]')", ['a', 'b']],
]);

cases('regex_escape, ternary, type_debug', [
  ["'^a.b$ c' | regex_escape", '\\^a\\.b\\$\\ c'],
  ["'a_b-c/d:e' | regex_escape", 'a_b\\-c/d:e'],
  ["'a.b[c]' | regex_escape(re_type='posix_basic')", 'a\\.b\\[c\\]'],
  ["true | ternary('y', 'n')", 'y'],
  ["none | ternary('y', 'n', 'z')", 'z'],
  ["none | ternary('y', 'n')", 'n'],
  ['[] | type_debug', 'list'],
  ['1.5 | type_debug', 'float'],
]);

cases('path filters', [
  ["['/etc', 'ssh', 'sshd_config'] | path_join", '/etc/ssh/sshd_config'],
  ["['a', '/b', 'c'] | path_join", '/b/c'],
  ["'/etc/../usr/./bin' | realpath", '/usr/bin'],
  ["'/etc/ssh' | relpath('/usr/lib')", '../../etc/ssh'],
  ["'/a/b.tar.gz' | splitext", ['/a/b.tar', '.gz']],
  ["'.bashrc' | splitext", ['.bashrc', '']],
  ["'a..b' | splitext", ['a.', '.b']],
  ["'~/x' | expanduser", `${process.env.HOME}/x`],
  ["'/x/~' | expanduser", '/x/~'],
]);

cases('version tests: loose (default), strict, semver, every operator', [
  ["'1.2' is version('1.10', '<')", true],
  ["'1.10' is version('1.9', 'gt')", true],
  ["'2.0' is version('2.0', '==')", true],
  ["'2.0' is version('2.0', 'ne')", false],
  ["'2.0' is version('2.0.0', '<>')", true],
  ["'2.0' is version('1.9', '>=')", true],
  ["'1.9' is version('1.9', 'le')", true],
  ["'2.0' is version_compare('1.9', 'ge')", true],
  ["'1.2a1' is version('1.2', '<', strict=true)", true],
  ["'1.2.0' is version('1.2', '==', strict=true)", true],
  ["'1.2.3-beta' is version('1.2.3', 'lt', version_type='semver')", true],
  ["'1.0.0-alpha.1' is version('1.0.0-alpha.beta', '<', version_type='semantic')", true],
  ["'1.0.0+build1' is version('1.0.0+build2', '==', version_type='semver')", true],
  ["'1.0.0-rc.1' is version('1.0.0-rc.1.1', '<', version_type='semver')", true],
]);

failures('version comparisons that Ansible refuses', [
  ["'1.x' is version('1.2', '<', strict=true)", /^Version comparison failed: invalid version number '1\.x'$/],
  ["'1.2' is version('1.2', '<', version_type='semver')", /^Version comparison failed: invalid semantic version '1\.2'$/],
  ["'1.a' is version('1.2', '<')", /^Version comparison failed: '<' not supported between instances of 'str' and 'int'$/],
  ["'1' is version('2', 'bogus')", /^Invalid operator type \(bogus\)/],
  ["'1' is version('2', '<', strict=true, version_type='loose')", /^Cannot specify both 'strict' and 'version_type'$/],
  ["'' is version('2', '<')", /^Input version value cannot be empty$/],
  ["'1' is version('2', '<', version_type='nope')", /^Invalid version type \(nope\)/],
]);

test('sameas is identity: the same list, not an equal one', () => {
  const list = [1];
  const templar = createTemplar({ a: list, b: list, c: [1] });
  assert.equal(templar.evaluate('a is sameas b'), true);
  assert.equal(templar.evaluate('a is sameas c'), false);
  assert.equal(templar.evaluate('true is sameas true'), true);
  assert.equal(templar.evaluate('1 is sameas true'), false);
});

describe('tuples print as Python prints them', () => {
  const text = (source: string) => createTemplar(VARS).renderText(source);

  test('zip, product, permutations, combinations, regex groups, splitext, items() and tuple literals', () => {
    assert.equal(text("{{ [1, 2] | zip(['a', 'b']) | list }}"), "[(1, 'a'), (2, 'b')]");
    assert.equal(text("{{ [1] | product(['a']) | list }} {{ [1, 2] | permutations | list }} {{ [1, 2] | combinations(1) | list }}"), "[(1, 'a')] [(1, 2), (2, 1)] [(1,), (2,)]");
    assert.equal(text("{{ 'k=v' | regex_findall('(\\\\w)=(\\\\w)') }} {{ '/a/b.c' | splitext }} {{ {'a': 1}.items() | list }}"), "[('k', 'v')] ('/a/b', '.c') [('a', 1)]");
    assert.equal(text("{{ (1, 'x') }} {{ (1, 2) | type_debug }} {{ (1, 2) | list | type_debug }}"), "(1, 'x') tuple list");
  });
});

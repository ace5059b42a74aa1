import { loadCases } from './harness/case.js';
import { summarize } from './harness/compare.js';
import { explain, openSuite, type CaseResult } from './harness/suite.js';

// `npm run compat [-- NAME-PART...]`: runs the compatibility cases and prints the side-by-side table.
const cases = loadCases(process.argv.slice(2));
const suite = await openSuite();
const results: CaseResult[] = [];
try {
  for (const [index, compatCase] of cases.entries()) {
    if (process.stderr.isTTY) process.stderr.write(`\r[${index + 1}/${cases.length}] ${compatCase.name}`.padEnd(70));
    results.push(await suite.run(compatCase));
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
} finally {
  await suite.close();
}

const verdictOf = (result: CaseResult) => {
  if (result.verdict === 'differ') {
    const facets = [...new Set(result.declared.map((each) => each.facet))];
    return `differ, as declared${facets.length > 0 ? ` (${facets.join(', ')})` : ''}: ${result.compatCase.spec.differs?.reason}`;
  }
  if (result.verdict === 'agree') return 'agree';
  const facets = [...new Set(result.disagreements.map((each) => each.facet))];
  return `${result.verdict}: ${[...result.unmet, ...(facets.length > 0 ? [`${facets.join(', ')} differ`] : [])].join('; ')}`;
};
const rows = [['case', 'ansible-playbook', 'betif-play', 'verdict'], ...results.map((result) => [result.compatCase.name, summarize(result.ansible), summarize(result.betif), verdictOf(result)])];
const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
for (const [index, row] of rows.entries()) {
  console.log(row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell)).join('  '));
  if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  ') + '  -------');
}

const failing = results.filter((result) => result.verdict === 'DISAGREE' || result.verdict === 'BROKEN');
for (const result of failing) console.log(`\n=== ${result.compatCase.name}: ${result.compatCase.spec.title}\n${explain(result)}`);

const agreeing = results.filter((result) => result.verdict === 'agree').length;
const declared = results.filter((result) => result.verdict === 'differ').length;
const seconds = (tool: 'ansible' | 'betif') => results.reduce((sum, result) => sum + result[tool].reduce((runs, run) => runs + run.seconds, 0), 0).toFixed(1);
console.log(`\nTime in the tools: ansible-playbook ${seconds('ansible')} s, betif-play ${seconds('betif')} s.`);
console.log(`${agreeing} of ${results.length} cases agree with ansible-playbook; ${declared} differ as declared; ${failing.length} disagree.`);
process.exitCode = failing.length > 0 ? 1 : 0;

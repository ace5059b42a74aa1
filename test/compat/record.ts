import pLimit from 'p-limit';
import { loadCases } from './harness/case.js';
import { LANES, openSuite } from './harness/suite.js';

// `npm run compat:record [-- --all] [-- NAME-PART...]`: runs ansible-playbook alone on the cases whose reference
// is missing or stale (every case with --all) and writes its outcome to test/compat/reference/<case>.json.
const args = process.argv.slice(2);
const all = args.includes('--all');
const cases = loadCases(args.filter((arg) => arg !== '--all'));
const suite = await openSuite();
const broken: string[] = [];
let recorded = 0;
try {
  const stale = [];
  for (const compatCase of cases) if (all || !(await suite.hasReference(compatCase))) stale.push(compatCase);
  console.log(`${stale.length} of ${cases.length} cases to record with ansible-playbook (${cases.length - stale.length} current).`);
  // Both tools' hosts of each lane serve as places to record in (see Suite.record).
  const limit = pLimit(LANES * 2);
  await Promise.all(
    stale.map((compatCase) =>
      limit(async () => {
        const unmet = await suite.record(compatCase);
        if (unmet.length > 0) {
          broken.push(`${compatCase.name}: ${unmet.join('; ')}`);
          console.log(`BROKEN ${compatCase.name} (not recorded): ${unmet.join('; ')}`);
        } else {
          recorded += 1;
          console.log(`recorded ${compatCase.name}`);
        }
      }),
    ),
  );
} finally {
  await suite.close();
}
console.log(`\n${recorded} references written; ${broken.length} cases miss their expect: and were not recorded.`);
process.exitCode = broken.length > 0 ? 1 : 0;

// Prints the totals line CI reads, `N passed, M failed`, from vitest's JSON report plus the
// static checks (typecheck, buf lint, eslint, prettier) counted as one test each. Exits 1 when anything failed.
import fs from 'node:fs';

const [reportFile, checksPassed = '0', checksFailed = '0'] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
try {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails outside its tests (loading, beforeAll) fails none of them but must still count as a failure.
  failed += report.testResults.filter(
    (file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'),
  ).length;
} catch (err) {
  console.error(`no vitest report at ${reportFile}: ${err.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

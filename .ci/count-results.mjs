// Adds up the JSON reports of every test runner .ci/run called into one "N passed, N failed"
// line (after one line per report), and fails the run when a test was skipped for a missing
// service (its name says "(needs …)") or a runner exited non-zero.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...statuses] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const serviceSkips = [];

for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // One line per run, worded unlike the total so that a reader of the last line finds the sum.
  console.log(
    `${file}: passed ${report.numPassedTests}, failed ${report.numFailedTests}, skipped ${report.numPendingTests + report.numTodoTests}`,
  );
  for (const suite of report.testResults) {
    // A file that failed to load has no test results but must count as a failure.
    if (suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed')) {
      failed += 1;
      console.log(`failed to run: ${suite.name}: ${suite.message.split('\n')[0]}`);
    }
    for (const test of suite.assertionResults) {
      if (
        test.status !== 'passed' &&
        test.status !== 'failed' &&
        /\(needs [^)]*\)/.test(test.fullName)
      ) {
        serviceSkips.push(test.fullName);
      }
    }
  }
}

for (const name of serviceSkips) console.log(`skipped for a missing service: ${name}`);
const runnerFailed = statuses.some((status) => status !== '0');
if (runnerFailed && failed === 0) {
  console.log('a test runner exited non-zero without a failed test (an unhandled error?)');
  failed = 1;
}
console.log(`skipped: ${skipped}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || serviceSkips.length > 0 ? 1 : 0);

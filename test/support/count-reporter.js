/**
 * Prints the totals CI reads: `tests: N passed, N failed`, and how many tests ran against
 * PostgreSQL (their names carry "[postgres]").
 */
class CountReporter {
  constructor() {
    this.postgres = 0;
  }

  onTestResult(_test, result) {
    for (const assertion of result.testResults) {
      if (assertion.status === 'passed' && assertion.fullName.includes('[postgres]')) this.postgres += 1;
    }
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\ntests against PostgreSQL: ${this.postgres} passed\n`);
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed\n`);
  }
}

module.exports = CountReporter;

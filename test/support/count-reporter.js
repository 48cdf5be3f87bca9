/**
 * Prints the totals CI reads: `tests: N passed, N failed, N skipped`, and how many tests ran
 * against PostgreSQL (their names carry "[postgres]"). Skips are only for what the machine lacks
 * (PostgreSQL, root), and each skipped suite says so in its name.
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
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

module.exports = CountReporter;

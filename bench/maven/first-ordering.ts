import { orderingTimer } from './ordering';

// Run by the benchmark as a process of its own: the ordering's first call in a fresh process, in milliseconds of wall and CPU time.
process.stdout.write(`${JSON.stringify(orderingTimer()())}\n`);

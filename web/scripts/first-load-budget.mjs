// The JavaScript and CSS a first visit loads, gzipped, from the build's manifest; above the budget the build fails.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const dist = path.join(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));

/** The entry chunk, its CSS and every chunk it imports statically: what index.html makes the browser fetch. */
function firstLoadFiles() {
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return [...files];
}

const sizes = firstLoadFiles().map((file) => ({ file, gzip: zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length }));
const total = sizes.reduce((sum, { gzip }) => sum + gzip, 0);
for (const { file, gzip } of sizes) console.log(`  ${file}  ${(gzip / 1024).toFixed(1)} KB gzip`);
console.log(`first load: ${(total / 1024).toFixed(1)} KB of JavaScript and CSS (gzip), budget ${BUDGET_BYTES / 1024} KB`);
if (total > BUDGET_BYTES) {
  console.error(`the first load is over its budget by ${((total - BUDGET_BYTES) / 1024).toFixed(1)} KB`);
  process.exit(1);
}

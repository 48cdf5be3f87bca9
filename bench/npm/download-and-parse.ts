import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** What one download and parse took, as the child reports it to the runner. */
export interface DownloadAndParse {
  bytes: number;
  downloadMs: number;
  parseMs: number;
  /**
   * Heap used + external right after `JSON.parse` (the text and any garbage of the parse still
   * there, as a worker's sample would see them) minus before it, the downloaded bytes held and
   * collected garbage gone.
   */
  parseAddsBytes: number;
  /** The same, after a full GC: what the parsed document alone holds. */
  parsedHoldsBytes: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

const held = (): number => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

const collected = (): number => {
  gc!();
  return held();
};

function download(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        response.statusCode === 200 ? resolve(Buffer.concat(chunks, size)) : reject(new Error(`${url} answered ${response.statusCode}`)),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/**
 * Run as a fresh process with `--expose-gc`: GETs the packument over HTTP as Baton's worker does
 * (Node's http, the body's chunks joined), then `JSON.parse`s it; answers the figures to the runner.
 */
async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with --expose-gc');
  const startedAt = performance.now();
  const bytes = await download(process.argv[2]);
  const downloadMs = performance.now() - startedAt;
  const before = collected();
  const parsedAt = performance.now();
  const document: unknown = JSON.parse(bytes.toString('utf8'));
  const parseMs = performance.now() - parsedAt;
  const parseAddsBytes = held() - before;
  const parsedHoldsBytes = collected() - before;
  const figures: DownloadAndParse = { bytes: bytes.length, downloadMs, parseMs, parseAddsBytes, parsedHoldsBytes };
  if (typeof document !== 'object') throw new Error('the packument is not a JSON object');
  process.send!(figures);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

import { Readable } from 'node:stream';
import { ExportReader } from './export-reader';

const HEADER = '{"format":"baton-export","version":1,"schema":["m1"],"exported_at":"2026-11-27T10:00:00Z"}';

async function readAll(text: string): Promise<{ schema: string[]; rows: [number, string][] }> {
  const reader = new ExportReader(Readable.from([text]));
  const header = await reader.header();
  const rows: [number, string][] = [];
  for (let next = await reader.next(); next !== null; next = await reader.next()) rows.push([next.lineNumber, next.line.table]);
  reader.close();
  return { schema: header.schema, rows };
}

describe('ExportReader', () => {
  it('reads the header, then numbered row lines, with or without a final newline', async () => {
    const text = `${HEADER}\n{"table":"a","row":{}}\r\n{"table":"b","row":{}}`;

    const read = await readAll(text);

    expect(read).toEqual({
      schema: ['m1'],
      rows: [
        [2, 'a'],
        [3, 'b'],
      ],
    });
  });

  it('skips the banner npm run prints before the header, and counts its lines', async () => {
    const text = `\n> baton@0.1.0 baton\n> node server/dist/cli.js export\n\n${HEADER}\n{"table":"a","row":{}}\n`;

    const read = await readAll(text);

    expect(read.rows).toEqual([[6, 'a']]);
  });

  it('refuses empty input', async () => {
    const reader = new ExportReader(Readable.from(['']));

    await expect(reader.header()).rejects.toThrow(/^the input is empty/);
  });

  it('refuses a blank line among the rows, by its number', async () => {
    const reader = new ExportReader(Readable.from([`${HEADER}\n{"table":"a","row":{}}\n\n{"table":"a","row":{}}\n`]));
    await reader.header();
    await reader.next();

    await expect(reader.next()).rejects.toThrow(/^line 3: the line is empty$/);
  });
});

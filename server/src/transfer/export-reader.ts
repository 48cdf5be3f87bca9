import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { parseHeader, parseLine, type ExportHeader, type ExportLine } from './export-format';
import { TransferError } from './transfer-error';

// npm run's banner: an empty line, then lines beginning with '> '. No JSON line starts so.
const NPM_BANNER = /^(|> .*)$/;

/** An export read line by line as it streams in, each line checked and numbered. */
export class ExportReader {
  private readonly lines: readline.Interface;
  private readonly iterator: AsyncIterator<string>;
  private lineNumber = 0;

  constructor(input: Readable) {
    this.lines = readline.createInterface({ input, crlfDelay: Infinity });
    this.iterator = this.lines[Symbol.asyncIterator]();
  }

  /** The header; lines npm prints before it (`npm run baton -- export > file`) are skipped. */
  async header(): Promise<ExportHeader> {
    let text = await this.nextText();
    while (text !== null && NPM_BANNER.test(text)) text = await this.nextText();
    if (text === null) throw new TransferError('the input is empty: give an export file, as in baton import < file');
    return parseHeader(text);
  }

  /** The next row line, or null at the end. */
  async next(): Promise<{ lineNumber: number; line: ExportLine } | null> {
    const text = await this.nextText();
    return text === null ? null : { lineNumber: this.lineNumber, line: parseLine(text, this.lineNumber) };
  }

  close(): void {
    this.lines.close();
  }

  private async nextText(): Promise<string | null> {
    const result = await this.iterator.next();
    if (result.done) return null;
    this.lineNumber += 1;
    return result.value;
  }
}

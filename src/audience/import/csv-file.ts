// Reading an uploaded CSV file as rows, streamed (memory does not grow with the file): its encoding (UTF-8 when
// the bytes are valid UTF-8, else Windows-1251, which Russian Excel writes), its separator (`,` or `;`, from the
// header line), quoted fields with separators and line breaks, and each row's line number in the file.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';
import iconv from 'iconv-lite';
import { ValidationError } from '../../errors.js';

export const ENCODINGS = ['utf-8', 'windows-1251'] as const;
export type CsvEncoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [',', ';'] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

export interface CsvRow {
  /** The line of the file the row starts on (1 is the header). */
  line: number;
  cells: string[];
}

const SNIFF_BYTES = 64 * 1024;

/** The file's problem for an import (binary, empty), else its encoding: one pass over the bytes, chunk by chunk. */
export async function detectEncoding(file: string): Promise<CsvEncoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let valid = true;
  let seen = 0;
  let text = false;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: SNIFF_BYTES }) as AsyncIterable<Buffer>) {
    if (seen < SNIFF_BYTES && chunk.subarray(0, SNIFF_BYTES - seen).includes(0)) {
      throw new ValidationError('This file is not a CSV text file (it holds binary data). Save the table as CSV and upload that.', {
        file: 'This file is not a CSV text file',
      });
    }
    seen += chunk.length;
    if (!text && /[^\s\uFEFF]/.test(chunk.toString('latin1').replace(/^\xEF\xBB\xBF/, ''))) text = true;
    if (valid) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        valid = false;
      }
    }
  }
  if (valid) {
    try {
      decoder.decode();
    } catch {
      valid = false;
    }
  }
  if (!text) throw new ValidationError('The file is empty: there is nothing to import.', { file: 'The file is empty' });
  return valid ? 'utf-8' : 'windows-1251';
}

/** The file's text, decoded, as a stream of strings (a UTF-8 BOM is dropped). */
function textStream(file: string, encoding: CsvEncoding): Readable {
  const bytes = fs.createReadStream(file);
  const decoder = iconv.decodeStream(encoding === 'utf-8' ? 'utf8' : 'win1251', { stripBOM: true }) as unknown as Readable & NodeJS.WritableStream;
  bytes.on('error', (error) => decoder.destroy(error));
  return bytes.pipe(decoder);
}

/** `,` or `;`: whichever the header line holds more of outside quotes (`,` when neither). */
export async function detectDelimiter(file: string, encoding: CsvEncoding): Promise<CsvDelimiter> {
  const stream = textStream(file, encoding);
  let line = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      line += chunk;
      if (/[\r\n]/.test(line) || line.length > SNIFF_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  let quoted = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of line.replace(/^\uFEFF/, '')) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char === ',') commas += 1;
    else if (!quoted && char === ';') semicolons += 1;
  }
  return semicolons > commas ? ';' : ',';
}

/** A CSV syntax error as a message a person can act on (the line to look at). */
function csvProblem(error: unknown): ValidationError {
  const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
  const where = line ? ` near line ${line}` : '';
  const detail = error instanceof Error ? error.message.replace(/^Invalid (Opening|Closing) Quote: /, '') : String(error);
  return new ValidationError(`The file cannot be read as CSV${where}: ${detail}. Check the quotes of that line.`, { file: 'The file cannot be read as CSV' });
}

/**
 * Every row of the file, the header first, with the line it starts on. Lines of blanks only are skipped. Throws a
 * ValidationError for a CSV syntax error (an unclosed quote), naming the line.
 */
export async function* readRows(file: string, encoding: CsvEncoding, delimiter: CsvDelimiter): AsyncGenerator<CsvRow> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    info: true,
  });
  const text = textStream(file, encoding);
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);
  // csv-parse reports the line a record ENDS on; it starts after the previous one and the empty lines between
  let previousEnd = 0;
  let previousEmpty = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      const line = previousEnd + 1 + (item.info.empty_lines - previousEmpty);
      previousEnd = item.info.lines;
      previousEmpty = item.info.empty_lines;
      yield { line, cells: item.record };
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error);
    throw error;
  } finally {
    text.destroy();
    parser.destroy();
  }
}

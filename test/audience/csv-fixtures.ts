// CSV files for the import tests, written as a person's spreadsheet would write them: UTF-8 with or without a
// BOM, Windows-1251 (Russian Excel), `,` or `;`, quoted fields.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';

export const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'import-test-'));
let counter = 0;

export interface CsvFileOptions {
  encoding?: 'utf-8' | 'windows-1251';
  bom?: boolean;
  delimiter?: ',' | ';';
  lineEnd?: '\n' | '\r\n';
}

function cell(value: string, delimiter: string): string {
  return /["\r\n]/.test(value) || value.includes(delimiter) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The rows as CSV bytes (rows of cells; the first is the header). */
export function csvBytes(rows: string[][], options: CsvFileOptions = {}): Buffer {
  const delimiter = options.delimiter ?? ',';
  const text = rows.map((row) => row.map((value) => cell(value, delimiter)).join(delimiter)).join(options.lineEnd ?? '\r\n') + (options.lineEnd ?? '\r\n');
  const body = options.encoding === 'windows-1251' ? iconv.encode(text, 'win1251') : Buffer.from(text, 'utf8');
  return options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

/** Writes the bytes to a new file; returns what an upload hands over. */
export function writeUpload(bytes: Buffer, name = 'clients.csv'): { path: string; name: string; size: number } {
  const file = path.join(folder, `upload-${process.pid}-${++counter}.csv`);
  fs.writeFileSync(file, bytes);
  return { path: file, name, size: bytes.length };
}

/** Ten clients, Cyrillic names included, one with a comma and a line break in its comment. */
export function tenRows(): string[][] {
  return [
    ['E-mail', 'ФИО', 'Комментарий', 'Теги'],
    ['anna@example.test', 'Анна Петрова', 'постоянный клиент', 'vip, Москва'],
    ['boris@example.test', 'Борис Иванов', 'звонить после 18:00, не раньше', 'Москва'],
    ['vera@example.test', 'Вера Смирнова', 'первая строка\nвторая строка', ''],
    ['gleb@example.test', 'Глеб Кузнецов', '', 'new'],
    ['dina@example.test', 'Дина Попова', 'note; with semicolon', ''],
    ['egor@example.test', 'Егор Соколов', '', ''],
    ['zhanna@example.test', 'Жанна Лебедева', '"quoted" words', 'vip'],
    ['zoya@example.test', 'Зоя Козлова', '', ''],
    ['igor@example.test', 'Игорь Новиков', '', ''],
    ['kira@example.test', 'Кира Морозова', '', 'new;vip'],
  ];
}

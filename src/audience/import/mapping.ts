// Which column of a CSV file holds which field of a client: guessed from the header row (English and Russian
// names), checked when the person confirms it.
import { ValidationError } from '../../errors.js';
import { IMPORT_FIELDS, type ImportField, type ImportMapping } from '../../models/client-import.js';

const HEADER_NAMES: Record<ImportField, readonly string[]> = {
  email: ['email', 'e-mail', 'e mail', 'mail', 'email address', 'e-mail address', 'почта', 'эл. почта', 'эл почта', 'электронная почта', 'адрес', 'емейл', 'имейл'],
  fullName: ['full name', 'fullname', 'name', 'full_name', 'имя', 'фио', 'ф.и.о.', 'полное имя', 'клиент', 'контакт'],
  comment: ['comment', 'comments', 'note', 'notes', 'комментарий', 'примечание', 'заметка', 'описание'],
  tags: ['tags', 'tag', 'labels', 'label', 'groups', 'теги', 'тег', 'метки', 'метка', 'группы', 'группа'],
};

function normalise(header: string): string {
  return header.trim().toLowerCase().replace(/[_\s]+/g, ' ').replace(/ё/g, 'е');
}

/** The mapping a header row suggests: a field whose name is a known header; the e-mail column else the one
 * whose first data cells look like addresses. */
export function suggestMapping(header: readonly string[], firstRows: ReadonlyArray<readonly string[]> = []): ImportMapping {
  const mapping: ImportMapping = {};
  const taken = new Set<number>();
  for (const field of IMPORT_FIELDS) {
    const index = header.findIndex((name, i) => !taken.has(i) && HEADER_NAMES[field].includes(normalise(name)));
    if (index >= 0) {
      mapping[field] = index;
      taken.add(index);
    }
  }
  if (mapping.email === undefined) {
    const index = header.findIndex((_, i) => !taken.has(i) && firstRows.some((row) => /^[^@\s]+@[^@\s]+$/.test((row[i] ?? '').trim())));
    if (index >= 0) mapping.email = index;
  }
  return mapping;
}

/** A mapping as the confirm form sends it (field → column index, or '' / -1 for none), checked against the header. */
export function checkMapping(raw: unknown, columns: number): ImportMapping {
  const given = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const mapping: ImportMapping = {};
  const used = new Map<number, ImportField>();
  for (const field of IMPORT_FIELDS) {
    const value = given[field];
    if (value === undefined || value === null || value === '' || value === -1 || value === '-1') continue;
    const index = Number(value);
    if (!Number.isInteger(index) || index < 0 || index >= columns) {
      throw new ValidationError(`The column chosen for "${field}" is not a column of the file.`, { [field]: 'Choose a column of the file' });
    }
    const other = used.get(index);
    if (other) throw new ValidationError(`One column cannot be both "${other}" and "${field}".`, { [field]: 'This column is already used' });
    used.set(index, field);
    mapping[field] = index;
  }
  if (mapping.email === undefined) throw new ValidationError('Choose the column that holds the e-mail addresses.', { email: 'Choose the e-mail column' });
  return mapping;
}

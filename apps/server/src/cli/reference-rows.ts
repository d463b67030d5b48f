import {
  type Directory,
  type ImportReport,
  positiveIntegerSchema,
  type SaveServiceInput,
  type SaveTechnicianInput,
  type SaveZoneInput,
  saveServiceInputSchema,
  saveTechnicianInputSchema,
  saveZoneInputSchema,
} from '@tickets/domain';
import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import type { CsvRecord } from './csv.js';

/** What `pnpm tickets import` can load. */
export type ImportKind = 'zones' | 'technicians' | 'services';
export const importKinds: readonly ImportKind[] = ['zones', 'technicians', 'services'];

/** A row ready for the directory: the record's id and what to save under it. */
export interface ImportRow<I> {
  readonly id: number;
  readonly input: I;
}

/** The cells of a row by column name: trimmed, and undefined when empty or missing. */
type Cells = (column: string) => string | undefined;

/** How one kind of reference data reads from CSV and is saved. */
export interface KindSpec<I> {
  readonly kind: ImportKind;
  readonly singular: string;
  /** The id column, required. */
  readonly idColumn: string;
  /** The other columns a row must have. */
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Problems with cells that the schema cannot name well (as `column: message`), and the input to validate. */
  toInput(cells: Cells): { readonly problems: readonly string[]; readonly input: Record<string, unknown> };
  readonly schema: z.ZodType<I>;
  save(directory: Directory, rows: readonly ImportRow<I>[]): Promise<ImportReport>;
}

/** Digits become a number; anything else is left for the schema to refuse. */
const integerCell = (value: string | undefined): unknown =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : value;

const TRUE_WORDS = new Set(['true', '1', 'si', 'sí']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

const zones: KindSpec<SaveZoneInput> = {
  kind: 'zones',
  singular: 'zone',
  idColumn: 'zone_id',
  required: ['name'],
  optional: ['max_active_tickets'],
  toInput: (cell) => ({
    problems: [],
    input: { name: cell('name'), max_active_tickets: integerCell(cell('max_active_tickets')) },
  }),
  schema: saveZoneInputSchema,
  save: (directory, rows) => directory.importZones(rows.map(({ id, input }) => ({ zone_id: id, input }))),
};

const technicians: KindSpec<SaveTechnicianInput> = {
  kind: 'technicians',
  singular: 'technician',
  idColumn: 'technician_id',
  required: ['name'],
  optional: ['active'],
  toInput: (cell) => {
    const raw = cell('active');
    const word = raw?.toLowerCase().normalize('NFC');
    const active =
      word === undefined ? undefined : TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : null;
    return {
      problems: active === null ? [`active: must be true/false, 1/0 or sí/no${got(raw)}`] : [],
      input: { name: cell('name'), active: active ?? undefined },
    };
  },
  schema: saveTechnicianInputSchema,
  save: (directory, rows) =>
    directory.importTechnicians(rows.map(({ id, input }) => ({ technician_id: id, input }))),
};

const services: KindSpec<SaveServiceInput> = {
  kind: 'services',
  singular: 'service',
  idColumn: 'service_id',
  required: ['zone_id'],
  optional: ['customer_name'],
  toInput: (cell) => ({
    problems: [],
    input: { zone_id: integerCell(cell('zone_id')), customer_name: cell('customer_name') },
  }),
  schema: saveServiceInputSchema,
  save: (directory, rows) =>
    directory.importServices(rows.map(({ id, input }) => ({ service_id: id, input }))),
};

export const kindSpecs = { zones, technicians, services } as const;

/** Where each column is in the file's rows. */
export interface Header {
  /** Column name (lower case) to its position. */
  readonly positions: ReadonlyMap<string, number>;
  /** Columns the import does not use, as the file names them. */
  readonly ignored: readonly string[];
  /** How many fields the header has. */
  readonly width: number;
}

function columnsOf(spec: KindSpec<unknown>): string {
  const required = [spec.idColumn, ...spec.required].join(', ');
  return spec.optional.length === 0 ? required : `${required} (optional: ${spec.optional.join(', ')})`;
}

/**
 * Reads the header row: column names in any order and any case; unknown ones are ignored. The
 * error says which required column is missing, or which column is named twice.
 */
export function readHeader(spec: KindSpec<unknown>, fields: readonly string[]): Result<Header, string> {
  const known = new Set([spec.idColumn, ...spec.required, ...spec.optional]);
  const positions = new Map<string, number>();
  const ignored: string[] = [];
  for (const [index, field] of fields.entries()) {
    const name = field.trim().toLowerCase();
    if (!known.has(name)) {
      if (name !== '') ignored.push(field.trim());
      continue;
    }
    if (positions.has(name)) {
      return err(`the header names the column ${name} twice`);
    }
    positions.set(name, index);
  }
  const missing = [spec.idColumn, ...spec.required].filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const has = fields.map((f) => f.trim()).filter((f) => f !== '');
    return err(
      `the header has no ${missing.join(' or ')} column (${spec.kind} need ${columnsOf(spec)}; the header has ${
        has.length === 0 ? 'no column names' : has.join(', ')
      })`,
    );
  }
  return ok({ positions, ignored, width: fields.length });
}

/** What a data row turned out to be. */
export type RowOutcome<I> =
  | { readonly type: 'row'; readonly row: ImportRow<I> }
  | { readonly type: 'rejected'; readonly reason: string }
  /** Every cell empty (a spreadsheet's trailing `;;;` lines, say): not a row at all. */
  | { readonly type: 'blank' };

const MAX_SHOWN = 40;

/** ` (got "...")` for a refused value, shortened when long. */
function got(value: string | undefined): string {
  if (value === undefined) return '';
  const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return ` (got ${JSON.stringify(shown)})`;
}

/**
 * Checks one data record against the header and the domain schemas. Cells are trimmed; an empty
 * cell is an absent value; a row shorter than the header has its missing cells empty, and one with
 * text past the header's last column is refused (a delimiter inside an unquoted value shifts every
 * cell after it).
 */
export function readRow<I>(spec: KindSpec<I>, header: Header, record: CsvRecord): RowOutcome<I> {
  const { fields } = record;
  if (record.problem !== undefined) return { type: 'rejected', reason: record.problem };
  if (fields.every((field) => field.trim() === '')) return { type: 'blank' };
  if (fields.length > header.width && fields.slice(header.width).some((field) => field.trim() !== '')) {
    return {
      type: 'rejected',
      reason: `has ${fields.length} fields, the header has ${header.width} (a delimiter inside a value that is not quoted?)`,
    };
  }
  const cell: Cells = (column) => {
    const position = header.positions.get(column);
    const value = position === undefined ? undefined : fields[position]?.trim();
    return value === '' ? undefined : value;
  };
  const problems: string[] = [];
  for (const column of header.positions.keys()) {
    if (cell(column)?.includes('\uFFFD')) {
      problems.push(`${column}: is not UTF-8 text (save the file as "CSV UTF-8")`);
    }
  }
  if (problems.length > 0) return { type: 'rejected', reason: problems.join('; ') };

  const rawId = cell(spec.idColumn);
  const id = positiveIntegerSchema.safeParse(integerCell(rawId));
  if (!id.success) problems.push(`${spec.idColumn}: ${id.error.issues[0]?.message}${got(rawId)}`);

  const { problems: cellProblems, input } = spec.toInput(cell);
  problems.push(...cellProblems);
  const parsed = spec.schema.safeParse(input);
  if (!parsed.success) {
    const named = new Set(cellProblems.map((p) => p.slice(0, p.indexOf(':'))));
    for (const issue of parsed.error.issues) {
      const column = String(issue.path[0] ?? '');
      if (named.has(column)) continue;
      named.add(column);
      problems.push(`${column}: ${issue.message}${got(cell(column))}`);
    }
  }
  if (problems.length > 0 || !id.success || !parsed.success) {
    return { type: 'rejected', reason: problems.join('; ') };
  }
  return { type: 'row', row: { id: id.data, input: parsed.data } };
}

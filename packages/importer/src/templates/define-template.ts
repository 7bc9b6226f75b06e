import type { EntityTable, SqlType } from '@jobstream/storage';
import { z } from 'zod';

export type { SqlType } from '@jobstream/storage';

/** What a template declares: one file per template. */
export interface TemplateDefinition<Shape extends z.ZodRawShape> {
  /** Identifier used in upload URLs (`?template=users`). */
  name: string;
  /** Human name for the UI. */
  label: string;
  /** Schema of one row; its keys are the CSV header, `.describe()` texts are shown in the UI. */
  columns: z.ZodObject<Shape>;
  /** The column that identifies a row: a later row with the same key is a duplicate, an existing one is updated. */
  key: keyof Shape & string;
  /** Table the rows are stored in. */
  table: string;
  /** How columns are stored, for those not stored as `TEXT` (the default, as CSV cells are text), e.g. `{ quantity: 'INTEGER' }`. */
  sqlTypes?: { [K in keyof Shape]?: SqlType };
  /**
   * Optional speed-up for large files: a hand-written check returning exactly what `columns` would for a row it
   * vouches for, or undefined to hand the row to the schema (which also words every error). It must never vouch
   * for a row the schema rejects; test it against the schema as `users.test.ts` does.
   */
  vouch?: (record: Readonly<Record<string, string>>) => z.output<z.ZodObject<Shape>> | undefined;
}

/** A column as the UI lists it. */
export interface ColumnInfo {
  name: string;
  required: boolean;
  description: string;
}

/** What `upload.templates` returns for one template. */
export interface TemplateInfo {
  name: string;
  label: string;
  key: string;
  columns: ColumnInfo[];
}

/** A row that passed validation: column name to stored value. */
export type ValidRow = Record<string, string | number | null>;

/** Outcome of validating one row's cells. */
export type RowValidation = { ok: true; row: ValidRow; key: string } | { ok: false; errors: string[] };

/** A template ready for the import engine. */
export interface ImportTemplate {
  name: string;
  label: string;
  key: string;
  table: string;
  /** CSV header, in declaration order. */
  headers: readonly string[];
  /** How each column is stored, every column listed. */
  sqlTypes: Readonly<Record<string, SqlType>>;
  /** The table its rows are imported into, as the store creates and writes it. */
  entity: EntityTable;
  info: TemplateInfo;
  /** Validates one row given as an object of header name to cell text. */
  validate(record: Record<string, string>): RowValidation;
}

/** Treats an empty or blank cell as absent, so defaults and `optional()` apply. */
export function blankAsUndefined<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);
}

/** Each issue as `field: message`; a check on the whole row that gives no `path` names every column. */
function formatIssues(issues: readonly z.core.$ZodIssue[], headers: readonly string[]): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || headers.join(', ')}: ${issue.message}`);
}

/** Turns a template definition into an importable template. */
export function defineTemplate<Shape extends z.ZodRawShape>(definition: TemplateDefinition<Shape>): ImportTemplate {
  const headers = Object.keys(definition.columns.shape);
  const columns = headers.map((name) => {
    const field = definition.columns.shape[name] as z.ZodType;
    return { name, required: !field.safeParse(undefined).success, description: field.description ?? '' };
  });
  const sqlTypes: Record<string, SqlType> = {};
  for (const name of headers) sqlTypes[name] = definition.sqlTypes?.[name] ?? 'TEXT';
  const entity: EntityTable = {
    table: definition.table,
    key: definition.key,
    columns: columns.map(({ name, required }) => ({ name, type: sqlTypes[name] as SqlType, required })),
  };
  return {
    name: definition.name,
    label: definition.label,
    key: definition.key,
    table: definition.table,
    headers,
    sqlTypes,
    entity,
    info: { name: definition.name, label: definition.label, key: definition.key, columns },
    validate(record) {
      const vouched = definition.vouch?.(record) as ValidRow | undefined;
      if (vouched) return { ok: true, row: vouched, key: String(vouched[definition.key]) };
      const result = definition.columns.safeParse(record);
      if (!result.success) return { ok: false, errors: formatIssues(result.error.issues, headers) };
      const row = result.data as ValidRow;
      return { ok: true, row, key: String(row[definition.key]) };
    },
  };
}

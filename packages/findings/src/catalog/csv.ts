// Strict reading of the catalogs' CSV (csv-parse, RFC 4180): a header line, then rows of exactly as many fields.
// Ragged rows, stray or unterminated quotes are rejected with their line number rather than guessed at.
import { CsvError as ParseError, parse } from "csv-parse/sync";

export interface CsvTable {
  header: string[];
  /** Rows as arrays of fields, with their 1-based line numbers. */
  rows: { line: number; fields: string[] }[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = "CsvError";
  }
}

// The quoting mistakes a hand-edited catalog makes, in words; anything else keeps csv-parse's own message.
const QUOTE_PROBLEMS: Readonly<Record<string, string>> = {
  INVALID_OPENING_QUOTE: "stray quote in an unquoted field",
  CSV_QUOTE_NOT_CLOSED: "unterminated quoted field",
  CSV_INVALID_CLOSING_QUOTE: "unexpected text after a quoted field",
};

export function parseCsv(text: string): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ["\r\n", "\n"],
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (err) {
    if (err instanceof ParseError) {
      const line = Number((err as ParseError & { lines?: number }).lines ?? 0);
      throw new CsvError(line, QUOTE_PROBLEMS[err.code] ?? err.message.replace(/\s+/g, " "));
    }
    throw err;
  }
  const first = records[0];
  if (first === undefined) throw new CsvError(1, "no header line");
  const header = first.record;
  const rows: CsvTable["rows"] = [];
  for (const { record, info } of records.slice(1)) {
    if (record.length === 1 && record[0]?.trim() === "") continue;
    if (record.length !== header.length) {
      throw new CsvError(info.lines, `${record.length} fields, the header has ${header.length}`);
    }
    rows.push({ line: info.lines, fields: record });
  }
  return { header, rows };
}

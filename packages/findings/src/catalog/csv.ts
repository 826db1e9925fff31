// A small, strict reader for the instance catalog's CSV: a header line, then rows of exactly as many fields.
// It supports what the catalog uses and RFC 4180 quoting ("a,b" and "" inside quotes), and rejects anything
// else (ragged rows, stray quotes) with file:line, rather than guessing.

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

export function parseCsv(text: string): CsvTable {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const first = lines[0];
  if (first === undefined || first.trim() === "") throw new CsvError(1, "no header line");
  const header = splitLine(first, 1);
  const rows: CsvTable["rows"] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i] as string;
    if (text.trim() === "") continue;
    const fields = splitLine(text, i + 1);
    if (fields.length !== header.length) {
      throw new CsvError(i + 1, `${fields.length} fields, the header has ${header.length}`);
    }
    rows.push({ line: i + 1, fields });
  }
  return { header, rows };
}

function splitLine(line: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) throw new CsvError(lineNo, "unterminated quoted field (fields spanning lines are not supported)");
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ",") throw new CsvError(lineNo, `unexpected text after a quoted field at column ${i + 1}`);
      i++;
    } else {
      const comma = line.indexOf(",", i);
      const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) throw new CsvError(lineNo, `stray quote in an unquoted field at column ${i + 1}`);
      out.push(value);
      if (comma === -1) return out;
      i = comma + 1;
    }
  }
}

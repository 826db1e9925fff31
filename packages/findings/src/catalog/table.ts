// What both catalogs (instances, volumes) do with their files: read one, parse its CSV strictly, check its columns,
// and read each row's fields with errors that name file, line and column.
import { readFileSync } from "node:fs";
import { FindingsError } from "../errors.js";
import { CsvError, parseCsv } from "./csv.js";

/** One data row of a catalog, its fields read by column name. */
export interface CatalogRow<C extends string> {
  readonly line: number;
  /** The trimmed field ("" when empty); `name` may be an optional column, absent from the header. */
  field(name: C): string;
  /** A non-negative decimal number; undefined when empty and not required. */
  number(name: C, required: boolean): number | undefined;
  /** The load error for a bad field of this row (file:line: column why). */
  bad(name: string, why: string): FindingsError;
}

const NON_NEGATIVE = /^\d+(\.\d+)?$/;

/** Reads a catalog file; one that cannot be read is a FindingsError("catalog") naming it and `what` it is. */
export function readCatalogText(path: string | URL, what: string): { text: string; where: string } {
  const where = path instanceof URL ? path.pathname : path;
  try {
    return { text: readFileSync(path, "utf8"), where };
  } catch (err) {
    throw new FindingsError("catalog", `cannot read the ${what} ${where}: ${(err as Error).message}`);
  }
}

/**
 * The rows of a catalog's CSV text, after checking that every `required` column is in its header; `optional`
 * columns may be missing (their fields then read as empty).
 */
export function catalogRows<R extends string, O extends string = never>(
  text: string,
  where: string,
  required: readonly R[],
  _optional: readonly O[] = [],
): CatalogRow<R | O>[] {
  type C = R | O;
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new FindingsError("catalog", `${where}: ${err.message}`);
    throw err;
  }
  const col = new Map(table.header.map((h, i) => [h, i]));
  const missing = required.filter((c) => !col.has(c));
  if (missing.length > 0) throw new FindingsError("catalog", `${where}: missing column(s) ${missing.join(", ")}`);
  return table.rows.map(({ line, fields }) => {
    const bad = (name: string, why: string) => new FindingsError("catalog", `${where}:${line}: ${name} ${why}`);
    const field = (name: C) => {
      const i = col.get(name);
      return i === undefined ? "" : (fields[i] ?? "").trim();
    };
    return {
      line,
      field,
      bad,
      number(name: C, isRequired: boolean) {
        const v = field(name);
        if (v === "") {
          if (isRequired) throw bad(name, "is empty");
          return undefined;
        }
        const n = Number(v);
        if (!NON_NEGATIVE.test(v) || !Number.isFinite(n)) throw bad(name, `is not a non-negative number: ${v}`);
        return n;
      },
    };
  });
}

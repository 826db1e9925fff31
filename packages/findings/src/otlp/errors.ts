export type OtlpJsonErrorKind =
  | "io" // missing file, unreadable, a directory without the expected file
  | "empty" // no non-blank line at all
  | "malformed-json" // a line (or document) that is not JSON
  | "truncated" // the last line has no newline and is not complete JSON: the writer was interrupted
  | "not-otlp" // JSON, but not the expected OTLP request shape
  | "too-long"; // a line beyond the size bound

/** One clear problem with an OTLP/JSON input, pointing at file:line where there is a line. */
export class OtlpJsonError extends Error {
  constructor(
    readonly kind: OtlpJsonErrorKind,
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ""}: ${reason}`);
    this.name = "OtlpJsonError";
  }
}

/** A report could not be made (missing page assets, an unwritable output file). One clear line. */
export class ReportError extends Error {
  override readonly name = "ReportError";
}

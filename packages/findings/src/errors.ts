export type FindingsErrorKind =
  | "empty-run" // no task or process spans to analyse
  | "ambiguous-input" // several runs in one input and no way to pick one
  | "unknown-instance" // an instance type the catalog does not hold
  | "config" // a rules/cost config file that is missing, not YAML or not valid
  | "catalog"; // the instance catalog itself is malformed

/** One clear problem with the input of an analysis; its message is one line meant for the user. */
export class FindingsError extends Error {
  constructor(
    readonly kind: FindingsErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "FindingsError";
  }
}

export { joinCommandLine, quoteArg } from "./quote.js";
export {
  isSecretName,
  REDACTED,
  type RedactedArgv,
  type RedactOptions,
  redactArgv,
  redactCommandLine,
} from "./redact.js";

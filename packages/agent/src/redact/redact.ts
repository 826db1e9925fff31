// Redaction of secrets in command lines, applied before anything leaves the process.
//
// Policy (what is redacted by default):
// - flags whose name says "secret": --password, --passwd, --pass, --passphrase, --token, --secret, --api-key,
//   --apikey, --secret-key, --access-key, --private-key, --signing-key, --encryption-key and any name ending in
//   those words (--db-password, --client-secret, --auth-token, -Djavax.net.ssl.keyStorePassword=...), in both
//   `--flag=value` and `--flag value` forms. Names starting with `no-` are boolean switches and left alone.
//   In argv form the argument after a bare secret flag is always redacted, even when it starts with "-": a
//   boolean flag may lose the next argument's text, but a password starting with "-" never leaks.
// - `-p` is NOT redacted by default: it means port (ssh, docker), parents (mkdir), print, preserve, ... far more
//   often than password. Tools that take `-p <password>` (sshpass, mysql -pSECRET) are opted in with
//   `extraFlags: ["p"]`, which also covers the attached form `-pSECRET`.
// - KEY=value and key: value pairs whose key is secret by the same rule (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN,
//   PGPASSWORD, MYSQL_PWD, DB_PASS, "password": "..." in JSON, password=... in a libpq connection string).
//   PWD alone is the working directory and is kept; *_ACCESS_KEY_ID (an identifier) is kept.
// - Authorization / Proxy-Authorization / Cookie headers: the scheme is kept, the rest redacted.
// - URL userinfo passwords: https://user:pass@host -> https://user:***@host (a user without password is kept).
// - query parameters: names secret by the rule above plus key, sig, signature (X-Amz-Signature, sig= of Azure
//   SAS, X-Goog-Signature, access_token, X-Amz-Security-Token, ...).
// - well-known token formats anywhere: GitHub (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_), GitLab (glpat-),
//   Slack (xox?-), sk-... API keys, JWTs and PEM private key blocks.
// - credentials flags: `-u user:pass`, `--user user:pass`, `--proxy-user`, `-U` keep the user, redact the password.
// Not covered (documented gaps): secrets passed positionally or via stdin, and free-text `--password -starts-with-dash` (in argv form that case is covered).

import { joinCommandLine } from "./quote.js";

export const REDACTED = "***";

export interface RedactOptions {
  /**
   * Extra flag names whose value is secret, without dashes, e.g. "p" (covers `-p x`, `-p=x`, `-px`) or
   * "db-auth" (covers `--db-auth x`, `--db-auth=x`). Case-insensitive; `_` and `-` are the same.
   */
  readonly extraFlags?: readonly string[];
  /** Extra key names (KEY=value, key: value, query parameter, header) whose value is secret; exact, case-insensitive. */
  readonly extraKeys?: readonly string[];
  /**
   * Extra patterns applied to every argument and to free text. The capture group named `secret`, else group 1,
   * is replaced; a pattern without groups has its whole match replaced. The `g` flag is implied.
   */
  readonly extraPatterns?: readonly RegExp[];
}

export interface RedactedArgv {
  readonly argv: string[];
  /** argv joined with POSIX-shell quoting where needed. */
  readonly commandLine: string;
  /** How many values were replaced. */
  readonly redactions: number;
}

const SUFFIX_WORDS = ["password", "passwd", "secret", "token"];
const LAST_WORDS = new Set(["pass", "passphrase", "apikey", "secretkey", "accesskey", "privatekey"]);
const KEY_QUALIFIERS = new Set(["api", "secret", "access", "private", "signing", "encryption"]);
const QUERY_ONLY = new Set(["key", "sig", "signature"]);

function words(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/^-+/, "")
    .split(/[-_.]+/)
    .filter((w) => w.length > 0);
}

/** Does a key/flag name say its value is a secret? (see the policy above) */
export function isSecretName(name: string): boolean {
  const w = words(name);
  const last = w[w.length - 1];
  if (last === undefined) return false;
  if (SUFFIX_WORDS.some((s) => last.endsWith(s))) return true;
  if (LAST_WORDS.has(last)) return true;
  if (last === "pwd") return w.length > 1; // MYSQL_PWD yes, PWD (the working directory) no
  if (last === "key" && w.length > 1) return KEY_QUALIFIERS.has(w[w.length - 2]!);
  return false;
}

function normFlag(name: string): string {
  return name.toLowerCase().replace(/^-+/, "").replaceAll("_", "-");
}

class Redactor {
  count = 0;
  private readonly extraFlags: ReadonlySet<string>;
  private readonly extraKeys: ReadonlySet<string>;
  private readonly extraPatterns: RegExp[];

  constructor(opts: RedactOptions | undefined) {
    this.extraFlags = new Set((opts?.extraFlags ?? []).map(normFlag));
    this.extraKeys = new Set((opts?.extraKeys ?? []).map((k) => k.toLowerCase()));
    this.extraPatterns = (opts?.extraPatterns ?? []).map((re) => {
      const flags = new Set(re.flags);
      flags.add("g");
      flags.add("d");
      return new RegExp(re.source, [...flags].join(""));
    });
  }

  private secretKey(name: string): boolean {
    return this.extraKeys.has(name.toLowerCase()) || isSecretName(name);
  }

  secretFlag(name: string): boolean {
    const n = normFlag(name);
    if (this.extraFlags.has(n)) return true;
    if (n.length <= 1 || n.startsWith("no-")) return false;
    return isSecretName(n);
  }

  private hit(): string {
    this.count += 1;
    return REDACTED;
  }

  /** Replace a (possibly quoted) value, keeping its quotes. */
  private value(v: string): string {
    if (v === REDACTED) return v;
    const q = v[0];
    if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) return `${q}${this.hit()}${q}`;
    return this.hit();
  }

  /** Apply every free-text rule to one string. */
  text(s: string): string {
    let out = s;
    // PEM private keys (may span lines).
    out = out.replace(/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, () =>
      this.hit(),
    );
    // URL userinfo: the authority ends at / ? # or whitespace; its userinfo ends at the LAST '@' before that.
    out = out.replace(/\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#'"]*)@/gi, (m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      if (colon < 0 || colon === userinfo.length - 1 || userinfo.slice(colon + 1) === REDACTED) return m;
      return `${scheme}${userinfo.slice(0, colon)}:${this.hit()}@`;
    });
    // Query parameters.
    out = out.replace(/([?&;])([^=&;#\s'"?]+)=([^&;#\s'"]+)/g, (m, sep: string, name: string, v: string) => {
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      const lower = decoded.toLowerCase();
      if (!this.secretKey(decoded) && !QUERY_ONLY.has(words(lower).at(-1) ?? "")) return m;
      return v === REDACTED ? m : `${sep}${name}=${this.hit()}`;
    });
    // Credential-carrying headers: keep the auth scheme, drop the rest up to the end of the quoted string/line.
    out = out.replace(
      /\b((?:proxy-)?authorization|cookie|set-cookie)(\s*:\s*)(?:(basic|bearer|digest|negotiate|ntlm|token|apikey|aws4-hmac-sha256)(\s+))?([^'"\r\n]+)/gi,
      (m, name: string, sep: string, scheme: string | undefined, sp: string | undefined, v: string) => {
        if (v.trim() === REDACTED) return m;
        const trailing = /\s*$/.exec(v)?.[0] ?? "";
        return `${name}${sep}${scheme === undefined ? "" : `${scheme}${sp}`}${this.hit()}${trailing}`;
      },
    );
    // key=value / key: value (env assignments, config strings, JSON).
    out = out.replace(
      /(?<![\w.-])([\w.-]*[A-Za-z0-9])("?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s'",;&]+)/g,
      (m, key: string, sep: string, v: string) => {
        if (sep.trim().startsWith(":") && v.startsWith("//")) return m; // scheme://...
        return this.secretKey(key) || (key.startsWith("-") && this.secretFlag(key))
          ? `${key}${sep}${this.value(v)}`
          : m;
      },
    );
    // --flag value in free text (the value must not look like another flag here).
    out = out.replace(
      /(?<![\w-])(--?[A-Za-z0-9][\w.-]*)(\s+)(?!-)("[^"]*"|'[^']*'|[^\s'"]+)/g,
      (m, flag: string, sp: string, v: string) => (this.secretFlag(flag) ? `${flag}${sp}${this.value(v)}` : m),
    );
    // Well-known token formats, wherever they appear.
    out = out.replace(
      /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}|sk-[\w-]{20,}|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,})/g,
      () => this.hit(),
    );
    for (const re of this.extraPatterns) out = this.applyExtra(out, re);
    return out;
  }

  private applyExtra(s: string, re: RegExp): string {
    let out = "";
    let last = 0;
    re.lastIndex = 0;
    for (const m of s.matchAll(re)) {
      if (m[0].length === 0) continue;
      const span = m.indices?.groups?.["secret"] ?? m.indices?.[1] ?? m.indices?.[0];
      if (span === undefined) continue;
      const [from, to] = span;
      if (from < last) continue;
      out += s.slice(last, from) + this.hit();
      last = to;
    }
    return out + s.slice(last);
  }

  /** `user:password` keeps the user; a value without a colon is a plain user name and stays. */
  private userColonPassword(v: string): string {
    const i = v.indexOf(":");
    return i < 0 || v.slice(i + 1) === REDACTED ? v : `${v.slice(0, i)}:${this.hit()}`;
  }

  argv(argv: readonly string[]): string[] {
    const out: string[] = [];
    let pending = false;
    let credential = false;
    for (const arg of argv) {
      if (pending) {
        pending = false;
        out.push(arg === REDACTED ? arg : this.hit());
        continue;
      }
      if (credential) {
        credential = false;
        out.push(this.userColonPassword(arg));
        continue;
      }
      // curl/wget style credentials: -u user:pass, --user user:pass, --proxy-user=user:pass.
      const cred = /^(-u|--user|--proxy-user|-U)(?:=([\s\S]*))?$/.exec(arg);
      if (cred !== null) {
        if (cred[2] === undefined) {
          out.push(arg);
          credential = true;
        } else {
          out.push(`${cred[1]}=${this.userColonPassword(cred[2])}`);
        }
        continue;
      }
      const flag = /^(-{1,2})([A-Za-z0-9][\w.-]*)(?:=([\s\S]*))?$/.exec(arg);
      if (flag !== null && this.secretFlag(flag[2]!)) {
        if (flag[3] === undefined) {
          out.push(arg);
          pending = true;
        } else {
          out.push(`${flag[1]}${flag[2]}=${flag[3] === REDACTED ? REDACTED : this.hit()}`);
        }
        continue;
      }
      // -pSECRET for single-letter flags opted in via extraFlags.
      const attached = /^-([A-Za-z0-9])([\s\S]+)$/.exec(arg);
      if (attached !== null && this.extraFlags.has(attached[1]!.toLowerCase()) && attached[2] !== REDACTED) {
        out.push(`-${attached[1]}${this.hit()}`);
        continue;
      }
      // A whole argument that is an assignment (env FOO_TOKEN=...): the value may contain spaces.
      const assign = /^([A-Za-z_][\w.-]*)=([\s\S]*)$/.exec(arg);
      if (assign !== null && assign[2] !== "" && this.secretKey(assign[1]!)) {
        out.push(`${assign[1]}=${assign[2] === REDACTED ? REDACTED : this.hit()}`);
        continue;
      }
      out.push(this.text(arg));
    }
    return out;
  }
}

/** Redact secrets in an argv (see the policy at the top of this file); also returns the joined command line. */
export function redactArgv(argv: readonly string[], opts?: RedactOptions): RedactedArgv {
  const r = new Redactor(opts);
  const redacted = r.argv(argv);
  return { argv: redacted, commandLine: joinCommandLine(redacted), redactions: r.count };
}

/** Redact secrets in a free-form command-line string (e.g. a `sh -c` script or a process title). */
export function redactCommandLine(s: string, opts?: RedactOptions): string {
  return new Redactor(opts).text(s);
}

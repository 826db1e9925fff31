import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  isSecretName,
  joinCommandLine,
  quoteArg,
  REDACTED,
  redactArgv,
  redactCommandLine,
} from "../../src/redact/index.js";

const R = REDACTED;

describe("redactArgv: flags", () => {
  it.each([
    [
      ["mysql", "--password=hunter2", "db"],
      ["mysql", `--password=${R}`, "db"],
    ],
    [
      ["tool", "--password", "hunter2", "x"],
      ["tool", "--password", R, "x"],
    ],
    [
      ["gh", "--token", "abc123"],
      ["gh", "--token", R],
    ],
    [
      ["svc", "--token=abc123"],
      ["svc", `--token=${R}`],
    ],
    [
      ["svc", "--api-key", "k"],
      ["svc", "--api-key", R],
    ],
    [
      ["svc", "--api_key=k"],
      ["svc", `--api_key=${R}`],
    ],
    [
      ["svc", "--apikey", "k"],
      ["svc", "--apikey", R],
    ],
    [
      ["svc", "--secret", "s"],
      ["svc", "--secret", R],
    ],
    [
      ["svc", "--client-secret=s"],
      ["svc", `--client-secret=${R}`],
    ],
    [
      ["svc", "--db-password", "p"],
      ["svc", "--db-password", R],
    ],
    [
      ["svc", "--auth-token", "t"],
      ["svc", "--auth-token", R],
    ],
    [
      ["svc", "--PASSWORD=p"],
      ["svc", `--PASSWORD=${R}`],
    ],
    [
      ["openssl", "-passphrase", "p"],
      ["openssl", "-passphrase", R],
    ],
    [
      ["minio", "--secret-key", "s", "--access-key", "a"],
      ["minio", "--secret-key", R, "--access-key", R],
    ],
    [
      ["java", "-Djavax.net.ssl.keyStorePassword=changeit", "-jar", "a.jar"],
      ["java", `-Djavax.net.ssl.keyStorePassword=${R}`, "-jar", "a.jar"],
    ],
    // the value after a bare secret flag is redacted even when it starts with "-"
    [
      ["tool", "--password", "-weird-pass"],
      ["tool", "--password", R],
    ],
  ])("%j", (input, expected) => {
    const r = redactArgv(input);
    expect(r.argv).toEqual(expected);
    expect(r.redactions).toBe(expected.filter((a) => a.includes(R)).length);
  });

  it("keeps non-secret flags and look-alikes intact", () => {
    const argv = [
      "tool",
      "--token-file",
      "/run/secrets/t",
      "--password-file=/etc/pw",
      "--max-tokens",
      "100",
      "--tokenizer",
      "bpe",
      "--secret-name",
      "db",
      "--no-password",
      "--key",
      "/home/u/.ssh/id_ed25519",
      "--access-key-id",
      "AKIDEXAMPLE",
      "-p",
      "8080",
    ];
    const r = redactArgv(argv);
    expect(r.argv).toEqual(argv);
    expect(r.redactions).toBe(0);
  });

  it("-p is not redacted by default (too broad) but can be opted in, including the attached form", () => {
    expect(redactArgv(["mkdir", "-p", "a/b"]).argv).toEqual(["mkdir", "-p", "a/b"]);
    expect(redactArgv(["ssh", "-p", "2222", "host"]).argv).toEqual(["ssh", "-p", "2222", "host"]);
    expect(redactArgv(["sshpass", "-p", "hunter2", "ssh", "h"], { extraFlags: ["p"] }).argv).toEqual([
      "sshpass",
      "-p",
      R,
      "ssh",
      "h",
    ]);
    expect(redactArgv(["mysql", "-phunter2", "-u", "root"], { extraFlags: ["-p"] }).argv).toEqual([
      "mysql",
      `-p${R}`,
      "-u",
      "root",
    ]);
  });

  it("extra flag names", () => {
    expect(redactArgv(["x", "--db-auth", "u:p", "--db_auth=u:p"], { extraFlags: ["db-auth"] }).argv).toEqual([
      "x",
      "--db-auth",
      R,
      `--db_auth=${R}`,
    ]);
  });
});

describe("redactArgv: assignments, headers, URLs, query strings", () => {
  it("environment-style assignments", () => {
    const r = redactArgv([
      "env",
      "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
      "GITHUB_TOKEN=ghp_x",
      "DB_PASSWORD=a b c",
      "PGPASSWORD=pg",
      "MYSQL_PWD=m",
      "DB_PASS=d",
      "PWD=/home/u",
      "HOME=/root",
      "make",
    ]);
    expect(r.argv).toEqual([
      "env",
      `AWS_SECRET_ACCESS_KEY=${R}`,
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
      `GITHUB_TOKEN=${R}`,
      `DB_PASSWORD=${R}`,
      `PGPASSWORD=${R}`,
      `MYSQL_PWD=${R}`,
      `DB_PASS=${R}`,
      "PWD=/home/u",
      "HOME=/root",
      "make",
    ]);
    expect(r.redactions).toBe(6);
  });

  it("Authorization headers keep the scheme", () => {
    expect(redactArgv(["curl", "-H", "Authorization: Bearer eyABC.def", "https://api.example.com/v1"]).argv).toEqual([
      "curl",
      "-H",
      `Authorization: Bearer ${R}`,
      "https://api.example.com/v1",
    ]);
    expect(redactArgv(["curl", "-H", "authorization:Basic dXNlcjpwYXNz"]).argv[2]).toBe(`authorization:Basic ${R}`);
    expect(redactArgv(["curl", "-H", "Cookie: session=abc; other=def"]).argv[2]).toBe(`Cookie: ${R}`);
    expect(redactArgv(["curl", "-H", "X-Api-Key: k123"]).argv[2]).toBe(`X-Api-Key: ${R}`);
    expect(redactArgv(["curl", "-H", "Accept: application/json"]).argv[2]).toBe("Accept: application/json");
  });

  it("URL credentials: the password only", () => {
    expect(redactArgv(["git", "clone", "https://user:s3cret@github.com/o/r.git"]).argv[2]).toBe(
      `https://user:${R}@github.com/o/r.git`,
    );
    // '@' inside the password: the userinfo ends at the last '@' of the authority
    expect(redactCommandLine("fetch https://u:p@ss@host.example/x@y")).toBe(`fetch https://u:${R}@host.example/x@y`);
    expect(redactCommandLine("psql postgresql://app:pw@db:5432/main")).toBe(`psql postgresql://app:${R}@db:5432/main`);
    // no password: unchanged
    expect(redactCommandLine("git clone ssh://git@github.com/o/r.git")).toBe("git clone ssh://git@github.com/o/r.git");
    expect(redactCommandLine("see https://example.com/a:b@c")).toBe("see https://example.com/a:b@c");
  });

  it("query parameters", () => {
    expect(redactCommandLine("curl 'https://h/x?token=abc&page=2'")).toBe(`curl 'https://h/x?token=${R}&page=2'`);
    expect(
      redactCommandLine(
        "aws s3 cp https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FQo .",
      ),
    ).toBe(
      `aws s3 cp https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20240101&X-Amz-Signature=${R}&X-Amz-Security-Token=${R} .`,
    );
    expect(redactCommandLine("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2025&sig=AbC%3D")).toBe(
      `https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2025&sig=${R}`,
    );
    expect(redactCommandLine("https://maps.example.com/api?key=AIzaSy&q=x&access_token=t")).toBe(
      `https://maps.example.com/api?key=${R}&q=x&access_token=${R}`,
    );
    expect(redactCommandLine("https://h/search?q=token&page=1")).toBe("https://h/search?q=token&page=1");
  });
});

describe("redactCommandLine: free text (sh -c scripts)", () => {
  it("redacts inside a shell script argument", () => {
    const r = redactArgv([
      "bash",
      "-c",
      `mysql --password=hunter2 -e 'select 1' && curl -H "Authorization: Bearer abc.def" https://u:p@h/x && API_TOKEN=zzz ./run --token tok --verbose`,
    ]);
    expect(r.argv[2]).toBe(
      `mysql --password=${R} -e 'select 1' && curl -H "Authorization: Bearer ${R}" https://u:${R}@h/x && API_TOKEN=${R} ./run --token ${R} --verbose`,
    );
    expect(r.redactions).toBe(5);
  });

  it("JSON and connection strings", () => {
    expect(redactCommandLine(`{"user": "a", "password": "p w", "n": 1}`)).toBe(
      `{"user": "a", "password": "${R}", "n": 1}`,
    );
    expect(redactCommandLine("host=db user=app password=pw dbname=x")).toBe(`host=db user=app password=${R} dbname=x`);
  });

  it("well-known token formats and private keys", () => {
    const gh = `ghp_${"a".repeat(36)}`;
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    expect(redactCommandLine(`git push https://${gh}@github.com/o/r ${jwt}`)).toBe(
      `git push https://${R}@github.com/o/r ${R}`,
    );
    expect(redactCommandLine(`echo '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----' > k`)).toBe(
      `echo '${R}' > k`,
    );
  });

  it("extra patterns: named group, group 1, whole match", () => {
    const opts = {
      extraPatterns: [/pin=(?<secret>\d+)/, /acct-(\d{6})/, /TOPSECRET/],
    };
    expect(redactCommandLine("x pin=1234 acct-123456 TOPSECRET y", opts)).toBe(`x pin=${R} acct-${R} ${R} y`);
    expect(redactArgv(["tool", "--pin=1234"], opts).argv).toEqual(["tool", `--pin=${R}`]);
  });

  it("extra keys", () => {
    expect(redactCommandLine("deploy SIGNING_CERT=abc ?dsn=x", { extraKeys: ["signing_cert", "dsn"] })).toBe(
      `deploy SIGNING_CERT=${R} ?dsn=${R}`,
    );
  });

  it("leaves ordinary command lines untouched", () => {
    const lines = [
      "make -j8 all",
      "samtools sort -@ 4 -o out.bam in.bam",
      "python3 train.py --epochs 10 --lr=0.001 --max-tokens 4096 --output-dir /tmp/o",
      "curl -sS https://example.com/path?page=2&sort=asc -o out.json",
      "docker run -p 8080:80 -e LOG_LEVEL=debug -v /data:/data image:tag",
      "echo key: value time: 12:00",
      "git -c user.name=x commit -m 'fix token parsing in lexer'",
      "ssh -p 22 git@github.com",
    ];
    for (const line of lines) expect(redactCommandLine(line)).toBe(line);
  });

  it("stays linear on pathological input (no catastrophic backtracking)", () => {
    const inputs = [
      "a.".repeat(20_000),
      ";".repeat(40_000),
      "?a".repeat(20_000),
      "-".repeat(40_000),
      `--${"x".repeat(40_000)}`,
      "a=".repeat(20_000),
      "https://".repeat(5_000),
      "Authorization: ".repeat(3_000),
    ];
    for (const s of inputs) {
      const t0 = performance.now();
      redactCommandLine(s);
      redactArgv([s, s]);
      expect(performance.now() - t0, s.slice(0, 20)).toBeLessThan(500);
    }
  });

  it("is idempotent", () => {
    const once = redactArgv(["x", "--password", "p", "--token=t", "A_TOKEN=z", "https://u:p@h?sig=s"]);
    const twice = redactArgv(once.argv);
    expect(twice.argv).toEqual(once.argv);
    expect(twice.redactions).toBe(0);
  });
});

describe("isSecretName", () => {
  it.each([
    ["password", true],
    ["PGPASSWORD", true],
    ["GITHUB_TOKEN", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["AWS_SESSION_TOKEN", true],
    ["api-key", true],
    ["MYSQL_PWD", true],
    ["PWD", false],
    ["OLDPWD", false],
    ["AWS_ACCESS_KEY_ID", false],
    ["TOKEN_FILE", false],
    ["max_tokens", false],
    ["key", false],
    ["", false],
  ])("%s -> %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe("command-line quoting", () => {
  it("quotes only where needed", () => {
    expect(quoteArg("plain-arg_1.txt")).toBe("plain-arg_1.txt");
    expect(quoteArg("")).toBe("''");
    expect(quoteArg("a b")).toBe("'a b'");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg("a\nb")).toBe("$'a\\nb'");
    expect(quoteArg(R)).toBe(`'${R}'`);
    expect(redactArgv(["mysql", "--password=x", "-e", "select 1"]).commandLine).toBe(
      `mysql '--password=${R}' -e 'select 1'`,
    );
  });

  it("round-trips through a real shell", () => {
    const argv = ["a b", "it's", "$HOME", "*", "tab\there", "new\nline", "", "ünï", "back\\slash", "`x`", "!"];
    const out = execFileSync("bash", ["-c", `printf '%s\\0' ${joinCommandLine(argv)}`]);
    expect(out.toString("utf8").split("\0").slice(0, -1)).toEqual(argv);
  });
});

describe("credential flags", () => {
  const R = "***";
  it("keeps the user and redacts the password of -u/--user/--proxy-user", () => {
    expect(redactArgv(["curl", "-u", "alice:s3cret", "https://x"]).argv).toEqual([
      "curl",
      "-u",
      `alice:${R}`,
      "https://x",
    ]);
    expect(redactArgv(["curl", "--user=alice:s3cret"]).argv).toEqual(["curl", `--user=alice:${R}`]);
    expect(redactArgv(["curl", "--proxy-user", "bob:pw", "-U", "c:d"]).argv).toEqual([
      "curl",
      "--proxy-user",
      `bob:${R}`,
      "-U",
      `c:${R}`,
    ]);
  });
  it("leaves a plain user name alone", () => {
    expect(redactArgv(["ps", "-u", "root"]).argv).toEqual(["ps", "-u", "root"]);
  });
});

// Reads a Prometheus text-format endpoint (the Collector's prometheus exporter) into samples.
// Format (exposition format 0.0.4): `name{label="value",...} value [timestamp]`, `# HELP` / `# TYPE` comments;
// label values escape \\, \" and \n.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;

function parseLabels(body: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf("=", i);
    if (eq < 0) break;
    const key = body.slice(i, eq).trim().replace(/^,/, "").trim();
    if (body[eq + 1] !== '"') throw new Error(`malformed labels: ${body}`);
    let j = eq + 2;
    let value = "";
    while (j < body.length && body[j] !== '"') {
      if (body[j] === "\\" && j + 1 < body.length) {
        const next = body[j + 1];
        value += next === "n" ? "\n" : next;
        j += 2;
      } else {
        value += body[j];
        j += 1;
      }
    }
    labels[key] = value;
    i = j + 1;
    if (body[i] === ",") i += 1;
  }
  return labels;
}

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const raw = m[4]!;
    const value = raw === "+Inf" ? Number.POSITIVE_INFINITY : raw === "-Inf" ? Number.NEGATIVE_INFINITY : Number(raw);
    out.push({ name: m[1]!, labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return out;
}

export async function scrape(endpoint: string): Promise<Sample[]> {
  const res = await fetch(`http://${endpoint}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET http://${endpoint}/metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
}

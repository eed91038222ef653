// A strict reader of the Prometheus text exposition format 0.0.4, for the tests: every line must be a HELP, a
// TYPE, or a sample of a family declared before it; any other line throws, naming it.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|NaN|[+-]Inf)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (${VALUE})(?: -?\\d+)?$`);
const LABEL_PAIR = new RegExp(`(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g');
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (help) return;
    const type = new RegExp(`^# TYPE (${NAME}) (\\w+)$`).exec(line);
    if (type) {
      if (!TYPES.has(type[2]!)) throw new Error(`unknown metric type at ${where}`);
      if (types.has(type[1]!)) throw new Error(`second TYPE for ${type[1]} at ${where}`);
      types.set(type[1]!, type[2]!);
      return;
    }
    if (line.startsWith('#')) throw new Error(`not a HELP or TYPE comment at ${where}`);
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample at ${where}`);
    const name = match[1]!;
    const family = [...types.entries()].find(([base, kind]) => (SUFFIXES[kind] ?? ['']).some((suffix) => name === `${base}${suffix}`));
    if (!family) throw new Error(`sample of a family without TYPE at ${where}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(LABEL_PAIR)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[3]!;
    samples.push({ name, labels, value: raw === 'NaN' ? Number.NaN : raw.endsWith('Inf') ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw) });
  });
  return samples;
}

/** The value of the one sample with this name and these labels (among others); undefined when there is none. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

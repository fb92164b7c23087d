import type { AdminAnswer } from './admin-client.js';
import { CliError, exitForStatus } from './exit-codes.js';

/** Prints `data` as one JSON document (`--json`, for scripts) or as `human(data)` (for people). */
export function print<T>(json: boolean | undefined, data: T, human: (d: T) => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human(data)}\n`);
}

/**
 * Pure: rows under a header, columns padded to their widest cell; numbers right-aligned.
 * `empty` is printed instead when there are no rows.
 */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>, empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const cells = [header.map(String), ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** Pure: `key  value` lines, keys padded. */
export function fields(entries: ReadonlyArray<readonly [string, unknown]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n');
}

/**
 * Returns the body of a 2xx answer; else prints it (JSON on stdout with `--json`, the error's code
 * and message on stderr otherwise) and throws CliError with the status's exit code.
 */
export function expectOk(answer: AdminAnswer, json: boolean | undefined): any {
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  if (json) process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  const e = answer.body?.error;
  const details = Array.isArray(e?.details) ? e.details.map((d: { path: string; message: string }) => `\n  ${d.path}: ${d.message}`).join('') : '';
  throw new CliError(exitForStatus(answer.status), e ? `${answer.status} ${e.code}: ${e.message}${details}` : `HTTP ${answer.status}`);
}

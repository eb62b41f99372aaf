// @ts-check
/**
 * The shape every bench section returns, the PASS/MISS verdicts and the printed table. A new
 * section (image build time, bundle size, ...) builds its metrics with `metric()` and is
 * rendered and written the same way.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * @typedef {{ op: '<' | '<=' | '>' | '>=', value: number }} Target
 * @typedef {{
 *   id: string,
 *   label: string,
 *   value: number | null,
 *   unit: string,
 *   target?: Target,
 *   pass?: boolean,
 *   detail?: string,
 * }} Metric  `value` null: not measured (the section failed before it); never a PASS.
 * @typedef {{
 *   section: string,
 *   startedAt: string,
 *   durationMs: number,
 *   environment: Record<string, unknown>,
 *   metrics: Metric[],
 *   data: Record<string, unknown>,
 *   error?: string,
 * }} SectionResult  `error`: one line per failed part (details, such as a child's stderr, go in `data`).
 */

/**
 * @param {number} value
 * @param {Target} target
 */
function meets(value, target) {
  switch (target.op) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    case '>=':
      return value >= target.value;
  }
}

/**
 * @param {string} id stable key in the JSON (compare runs across commits by it)
 * @param {string} label
 * @param {number | null} value
 * @param {string} unit
 * @param {{ target?: Target, detail?: string }} [extra]
 * @returns {Metric}
 */
export function metric(id, label, value, unit, extra = {}) {
  /** @type {Metric} */
  const m = { id, label, value: value === null || Number.isNaN(value) ? null : round(value), unit };
  if (extra.target) {
    m.target = extra.target;
    m.pass = m.value !== null && meets(m.value, extra.target);
  }
  if (extra.detail) m.detail = extra.detail;
  return m;
}

/** @param {number} v */
function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}

/**
 * @param {number | null} value
 * @param {string} unit
 */
export function formatValue(value, unit) {
  if (value === null) return 'n/a';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

/** Host facts that make numbers comparable (or explain why they are not). */
export function environmentInfo() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemMb: Math.round(os.totalmem() / 1024 / 1024),
    loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/**
 * @param {readonly SectionResult[]} results
 * @returns {string}
 */
export function renderTable(results) {
  /** @type {string[][]} */
  const rows = [['section', 'metric', 'value', 'target', 'result']];
  for (const r of results) {
    for (const line of r.error?.split('\n') ?? []) {
      rows.push([
        r.section,
        `ERROR ${line.length > 100 ? `${line.slice(0, 97)}...` : line}`,
        '',
        '',
        'ERROR',
      ]);
    }
    for (const m of r.metrics) {
      rows.push([
        r.section,
        m.detail ? `${m.label} (${m.detail})` : m.label,
        formatValue(m.value, m.unit),
        m.target ? `${m.target.op} ${m.target.value} ${m.unit}`.trim() : '',
        m.target ? (m.pass ? 'PASS' : 'MISS') : '',
      ]);
    }
  }
  const widths =
    rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (/** @type {string[]} */ row) =>
    row
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(/** @type {string[]} */ (rows[0])), rule, ...rows.slice(1).map(line)].join('\n');
}

/**
 * Writes `<dir>/<section>.json` (the dir is created).
 * @param {string} dir
 * @param {SectionResult} result
 */
export async function writeSectionResult(dir, result) {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${result.section}.json`);
  await fs.writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * @param {readonly SectionResult[]} results
 * @returns {string[]} `section: label` of every missed target or failed section
 */
export function misses(results) {
  return results.flatMap((r) => [
    ...(r.error ? [`${r.section}: ${r.error.split('\n')[0]}`] : []),
    ...r.metrics.filter((m) => m.target && !m.pass).map((m) => `${r.section}: ${m.label}`),
  ]);
}

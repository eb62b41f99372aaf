// @ts-check
/** Small statistics for bench samples (milliseconds or bytes; the unit is the caller's). */

/**
 * Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. Nearest rank keeps
 * p99 of 200 samples an observed value rather than an interpolation between two outliers.
 * @param {readonly number[]} samples
 * @param {number} p
 */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return /** @type {number} */ (sorted[rank - 1]);
}

/** @param {readonly number[]} samples */
export function median(samples) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? /** @type {number} */ (sorted[mid])
    : /** @type {number} */ (sorted[mid - 1] + /** @type {number} */ (sorted[mid])) / 2;
}

/**
 * @typedef {{ n: number, min: number, p50: number, p90: number, p99: number, max: number, mean: number }} Summary
 * @param {readonly number[]} samples
 * @returns {Summary}
 */
export function summarize(samples) {
  const round = (/** @type {number} */ v) => Math.round(v * 1000) / 1000;
  const mean =
    samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    n: samples.length,
    min: round(Math.min(...samples)),
    p50: round(percentile(samples, 50)),
    p90: round(percentile(samples, 90)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
    mean: round(mean),
  };
}

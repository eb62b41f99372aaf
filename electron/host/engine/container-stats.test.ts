import { describe, expect, it } from 'vitest';
import { computeStats } from './container-stats.js';

describe('container stats', () => {
  it('computes CPU like docker stats and leaves page cache out of memory', () => {
    const stats = computeStats({
      cpu_stats: {
        cpu_usage: { total_usage: 3_000_000 },
        system_cpu_usage: 20_000_000,
        online_cpus: 2,
      },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: {
        usage: 80 * 1024 * 1024,
        limit: 1024 * 1024 * 1024,
        stats: { inactive_file: 20 * 1024 * 1024 },
      },
    });
    expect(stats.cpuPercent).toBe(40);
    expect(stats.memoryBytes).toBe(60 * 1024 * 1024);
    expect(stats.memoryLimitBytes).toBe(1024 * 1024 * 1024);
  });

  it('reports zero CPU for the first sample (no previous reading)', () => {
    expect(
      computeStats({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 } })
        .cpuPercent,
    ).toBe(0);
  });
});

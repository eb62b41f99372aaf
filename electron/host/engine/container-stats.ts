/** One-shot CPU and memory of a container (dashboard "resource use"). */
import type Dockerode from 'dockerode';

interface RawStats {
  cpu_stats?: {
    cpu_usage?: { total_usage?: number };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: {
    usage?: number;
    limit?: number;
    stats?: { cache?: number; inactive_file?: number };
  };
}

export interface ContainerStats {
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
}

export function computeStats(raw: RawStats): ContainerStats {
  const cpu =
    (raw.cpu_stats?.cpu_usage?.total_usage ?? 0) - (raw.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (raw.cpu_stats?.system_cpu_usage ?? 0) - (raw.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = raw.cpu_stats?.online_cpus ?? 1;
  // Without a previous sample there is no interval to measure over (first reading).
  const hasPrevious = (raw.precpu_stats?.system_cpu_usage ?? 0) > 0;
  const cpuPercent = hasPrevious && cpu > 0 && system > 0 ? (cpu / system) * cpus * 100 : 0;
  // Like `docker stats`: page cache is not the container's working memory.
  const cache = raw.memory_stats?.stats?.inactive_file ?? raw.memory_stats?.stats?.cache ?? 0;
  return {
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    memoryBytes: Math.max(0, (raw.memory_stats?.usage ?? 0) - cache),
    memoryLimitBytes: raw.memory_stats?.limit ?? 0,
  };
}

export async function containerStats(docker: Dockerode, id: string): Promise<ContainerStats> {
  const raw = (await docker.getContainer(id).stats({ stream: false })) as RawStats;
  return computeStats(raw);
}

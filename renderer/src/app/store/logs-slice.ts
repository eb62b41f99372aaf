/** The containers' log tail (gateway, CLI runs, sandboxes), interleaved by the host. */
import type { LogLine } from '../../../../electron/contract/host-api.js';
import { coalesce, idleResource, loadResource, type Resource } from './resource.js';
import type { AppSlice } from './slice.js';

export const DEFAULT_LOG_TAIL = 1000;

export interface LogsSlice {
  logs: Resource<LogLine[]>;
  fetchLogs(): Promise<void>;
}

export const createLogsSlice: AppSlice<LogsSlice> = (host) => (set, get) => ({
  logs: idleResource(),
  fetchLogs: coalesce(() =>
    loadResource(
      () => get().logs,
      (logs) => set({ logs }),
      () => host.call('logs.tail', { tail: DEFAULT_LOG_TAIL }),
    ),
  ),
});

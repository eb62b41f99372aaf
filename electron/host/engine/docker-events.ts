/**
 * Container events of the app's compose project, reconnecting when the engine restarts or the
 * stream drops (with a capped backoff). Feeds the supervisor's crash detector.
 */
import type Dockerode from 'dockerode';
import { toDisposable, type Disposable } from '../../../gateway/infra/disposable.js';

export interface ContainerEvent {
  action: string;
  containerId: string;
  service?: string;
  ts: number;
  exitCode?: number;
  signal?: string;
}

export function watchStackEvents(
  docker: Dockerode,
  projectName: string,
  onEvent: (event: ContainerEvent) => void,
  options: { onError?: (err: Error) => void; maxBackoffMs?: number } = {},
): Disposable {
  let stopped = false;
  let stream: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  let backoff = 500;

  const connect = async () => {
    if (stopped) return;
    try {
      const since = Math.floor(Date.now() / 1000);
      const s = (await docker.getEvents({
        since,
        filters: { type: ['container'], label: [`com.docker.compose.project=${projectName}`] },
      })) as NodeJS.ReadableStream;
      if (stopped) {
        (s as unknown as { destroy?: () => void }).destroy?.();
        return;
      }
      stream = s;
      backoff = 500;
      let buffer = '';
      s.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (!line) continue;
          try {
            const raw = JSON.parse(line) as {
              Action?: string;
              id?: string;
              time?: number;
              timeNano?: number;
              Actor?: { Attributes?: Record<string, string> };
            };
            const attrs = raw.Actor?.Attributes ?? {};
            onEvent({
              action: raw.Action ?? '',
              containerId: raw.id ?? '',
              service: attrs['com.docker.compose.service'],
              ts: raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000,
              exitCode: attrs.exitCode === undefined ? undefined : Number(attrs.exitCode),
              signal: attrs.signal,
            });
          } catch {
            // a partial line is completed by the next chunk
          }
        }
      });
      const retry = () => {
        if (stopped || stream !== s) return;
        stream = undefined;
        schedule();
      };
      s.on('end', retry);
      s.on('close', retry);
      s.on('error', (err: Error) => {
        options.onError?.(err);
        retry();
      });
    } catch (err) {
      options.onError?.(err as Error);
      schedule();
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void connect(), backoff);
    timer.unref();
    backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 15_000);
  };

  void connect();
  return toDisposable(() => {
    stopped = true;
    if (timer) clearTimeout(timer);
    (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  });
}

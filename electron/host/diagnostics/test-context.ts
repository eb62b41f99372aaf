/**
 * Test helpers: a DiagnosticsContext over temp folders with a scripted fake engine, and small
 * local servers for the port and health checks. Test-only (imported by *.test.ts files).
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { PingResult, StackContainer } from '../../../docker/engine/index.js';
import { defaultAppSettings, type DesktopSettings } from '../settings/app-settings.js';
import type { DiagnosticsContext, DiagnosticsEngine, PortHolder } from './context.js';

export interface FakeEngineScript {
  ping?: PingResult;
  version?: Record<string, unknown>;
  info?: Record<string, unknown>;
  containers?: StackContainer[];
  publishing?: PortHolder[];
  inspect?: Record<string, Record<string, unknown>>;
  logs?: Record<string, string[]>;
  /** Make every call but ping reject with this. */
  failWith?: Error;
}

export function fakeEngine(script: FakeEngineScript = {}): DiagnosticsEngine {
  const guard = async <T>(value: T): Promise<T> => {
    if (script.failWith) throw script.failWith;
    return value;
  };
  return {
    ping: async () =>
      script.ping ?? {
        ok: true,
        version: '27.0.1',
        apiVersion: '1.46',
        os: 'linux',
        arch: 'amd64',
      },
    version: () => guard(script.version ?? { Version: '27.0.1' }),
    info: () => guard(script.info ?? {}),
    stackContainers: () => guard(script.containers ?? []),
    containersPublishing: () => guard(script.publishing ?? []),
    inspect: (id) => guard(script.inspect?.[id] ?? {}),
    logTail: (id) => guard(script.logs?.[id] ?? []),
  };
}

export function container(overrides: Partial<StackContainer> = {}): StackContainer {
  return {
    id: 'a'.repeat(64),
    name: 'openclaw-openclaw-gateway-1',
    service: 'openclaw-gateway',
    oneOff: false,
    image: 'openclaw:local',
    state: 'running',
    health: 'healthy',
    status: 'Up 5 minutes (healthy)',
    labels: {},
    ...overrides,
  };
}

export function testSettings(
  root: string,
  overrides: Partial<DesktopSettings> = {},
): DesktopSettings {
  return {
    ...defaultAppSettings(path.join(root, 'app'), {
      platform: 'linux',
      homeDir: path.join(root, 'home'),
    }),
    configDir: path.join(root, 'config'),
    workspaceDir: path.join(root, 'config', 'workspace'),
    stackDir: path.join(root, 'stack'),
    ...overrides,
  };
}

export function testContext(
  root: string,
  overrides: Partial<DiagnosticsContext> = {},
): DiagnosticsContext {
  return {
    settings: testSettings(root),
    projectName: 'openclaw',
    engine: null,
    compose: { kind: 'v2', command: ['docker', 'compose'], version: '2.29.1' },
    composeExec: null,
    appLogFiles: [],
    knownSecrets: async () => [],
    platform: 'linux',
    now: () => new Date('2026-03-01T12:00:00Z'),
    ...overrides,
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An HTTP server on 127.0.0.1 answering every request with `status`. */
export async function httpServer(
  status: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.statusCode = status;
    res.end(status === 200 ? 'ok' : 'no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

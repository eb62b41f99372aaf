/**
 * Test harness: a real gateway on an ephemeral loopback port with its own temp state dir, and
 * small helpers for raw WebSocket handshakes and the reference client.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { resolveStatePaths, type StatePaths } from '../config/paths.js';
import {
  startGateway,
  writeLocalConfig,
  type RunningGateway,
  type StartGatewayOptions,
} from '../runtime/start-gateway.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface TestGateway {
  gateway: RunningGateway;
  port: number;
  url: string;
  paths: StatePaths;
  env: Record<string, string>;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestGateway(
  config: Record<string, unknown> = {},
  options: Omit<StartGatewayOptions, 'env'> & { env?: Record<string, string> } = {},
): Promise<TestGateway> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openclaw-gw-test-'));
  const env: Record<string, string> = {
    OPENCLAW_STATE_DIR: path.join(dir, 'state'),
    ...options.env,
  };
  const paths = resolveStatePaths(env);
  const gatewayConfig = (config.gateway ?? {}) as Record<string, unknown>;
  await writeLocalConfig(paths, {
    ...config,
    gateway: {
      mode: 'local',
      auth: { mode: 'token', token: TEST_TOKEN },
      ...gatewayConfig,
    },
  });
  const gateway = await startGateway({
    ...options,
    env,
    consoleSink: null,
    logFile: path.join(dir, 'gateway.log'),
    flags: { port: 0, ...options.flags },
  });
  const port = gateway.address.port;
  return {
    gateway,
    port,
    url: `ws://127.0.0.1:${port}`,
    paths,
    env,
    dir,
    async stop() {
      await gateway.stop('test done');
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawFrame {
  type: string;
  id?: string;
  ok?: boolean;
  event?: string;
  payload?: Record<string, unknown> & { nonce?: string; ts?: number };
  error?: { code: string; message: string; details?: Record<string, unknown> };
  seq?: number;
}

/** A raw ws client that records frames and the close code/reason. */
export class RawClient {
  readonly frames: RawFrame[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<(frame: RawFrame) => boolean> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as RawFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => !w(frame));
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    const ws = new WebSocket(url, { headers });
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return client;
  }

  next(predicate: (frame: RawFrame) => boolean, timeoutMs = 5000): Promise<RawFrame> {
    const found = this.frames.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for frame')), timeoutMs);
      this.waiters.push((frame) => {
        if (!predicate(frame)) return false;
        clearTimeout(timer);
        resolve(frame);
        return true;
      });
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  async request(id: string, method: string, params: unknown = {}): Promise<RawFrame> {
    this.send({ type: 'req', id, method, params });
    return this.next((f) => f.type === 'res' && f.id === id);
  }

  async challenge(): Promise<{ nonce: string; ts: number }> {
    const frame = await this.next((f) => f.event === 'connect.challenge');
    return { nonce: String(frame.payload?.nonce), ts: Number(frame.payload?.ts) };
  }

  /** Token handshake as a backend client; resolves with the connect response. */
  async connect(params: Record<string, unknown> = {}): Promise<RawFrame> {
    await this.challenge();
    return this.request('c1', 'connect', {
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'gateway-client', version: 'test', platform: 'linux', mode: 'backend' },
      role: 'operator',
      scopes: ['operator.admin'],
      auth: { token: TEST_TOKEN },
      ...params,
    });
  }

  close(): void {
    this.ws.close();
  }
}

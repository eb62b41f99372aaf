/**
 * The gateway's side of sandboxd: the SandboxApi over HTTP with the per-stack secret. Errors come
 * back as the OpenClawErrors the engine raised (same code and message), so a policy refusal reads
 * the same to the agent and the user whether the engine runs here or in sandboxd.
 */
import http from 'node:http';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  type ErrorCode as Code,
} from '../../infra/errors.js';
import type {
  SandboxApi,
  SandboxBrowserApi,
  SandboxBrowserInfo,
  SandboxBrowserPlan,
  SandboxNoVncLink,
  SandboxContainerInfo,
  SandboxExecRequest,
  SandboxExecResult,
  SandboxPlan,
  SandboxProcessOutput,
  SandboxProcessReadRequest,
  SandboxProcessRequest,
} from '../contract.js';
import { SANDBOXD_PATHS, type WireError } from './wire.js';

/** Connections are reused: a warm exec should not pay for a TCP handshake. */
const agent = new http.Agent({ keepAlive: true });

export interface SandboxClientOptions {
  /** e.g. `http://sandboxd:18790` on the stack's network. */
  url: string;
  secret: string;
  /** Ceiling for calls other than exec, whose own timeout applies (default 10 minutes: ensure may run a setup). */
  requestTimeoutMs?: number;
}

export class SandboxClient implements SandboxApi, SandboxBrowserApi {
  private readonly base: string;

  constructor(private readonly options: SandboxClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  ensure(plan: SandboxPlan): Promise<{ container: SandboxContainerInfo; created: boolean }> {
    return this.call('POST', SANDBOXD_PATHS.ensure, { plan });
  }

  exec(request: SandboxExecRequest, signal?: AbortSignal): Promise<SandboxExecResult> {
    return this.call('POST', SANDBOXD_PATHS.exec, request, signal, true);
  }

  async list(): Promise<SandboxContainerInfo[]> {
    return (await this.call<{ containers: SandboxContainerInfo[] }>('GET', SANDBOXD_PATHS.list))
      .containers;
  }

  async remove(containerName: string): Promise<void> {
    await this.call('POST', SANDBOXD_PATHS.remove, { containerName });
  }

  async prune(limits: { idleHours: number; maxAgeDays: number }): Promise<string[]> {
    return (await this.call<{ removed: string[] }>('POST', SANDBOXD_PATHS.prune, limits)).removed;
  }

  /** sandboxd sees our address and joins our container to the browser network. */
  ensureBrowser(plan: SandboxBrowserPlan): Promise<SandboxBrowserInfo> {
    return this.call('POST', SANDBOXD_PATHS.browserEnsure, { plan });
  }

  noVncLink(containerName: string): Promise<SandboxNoVncLink> {
    return this.call('POST', SANDBOXD_PATHS.browserNoVnc, { containerName });
  }

  startProcess(request: SandboxProcessRequest): Promise<{ processId: string }> {
    return this.call('POST', SANDBOXD_PATHS.processStart, request);
  }

  readProcess(request: SandboxProcessReadRequest): Promise<SandboxProcessOutput> {
    // The wait is bounded by sandboxd (30 s); the usual ceiling covers it.
    return this.call('POST', SANDBOXD_PATHS.processRead, request);
  }

  async writeProcess(request: { processId: string; data?: string; end?: boolean }): Promise<void> {
    await this.call('POST', SANDBOXD_PATHS.processWrite, request);
  }

  async killProcess(processId: string): Promise<void> {
    await this.call('POST', SANDBOXD_PATHS.processKill, { processId });
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    noCeiling = false,
  ): Promise<T> {
    const signals = signal ? [signal] : [];
    if (!noCeiling) signals.push(AbortSignal.timeout(this.options.requestTimeoutMs ?? 600_000));
    let answer: { status: number; text: string };
    try {
      answer = await this.send(
        method,
        path,
        body,
        signals.length > 0 ? AbortSignal.any(signals) : undefined,
      );
    } catch (err) {
      if (signal?.aborted)
        throw new OpenClawError(ErrorCode.CANCELLED, 'The sandbox command was cancelled.', {
          cause: err,
        });
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `Cannot reach sandboxd at ${this.base}: ${errorMessage(err)}. Check the sandboxd service is running (it is enabled with sandboxing).`,
        { cause: err },
      );
    }
    let data: unknown;
    try {
      data = answer.text ? JSON.parse(answer.text) : {};
    } catch {
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `sandboxd answered ${answer.status} with a body that is not JSON.`,
      );
    }
    if (answer.status < 200 || answer.status >= 300) {
      const wire = (data as Partial<WireError>).error;
      throw new OpenClawError(
        (wire?.code as Code | undefined) ?? ErrorCode.REQUEST_FAILED,
        wire?.message ?? `sandboxd answered ${answer.status}.`,
        { details: { status: answer.status, ...wire?.details } },
      );
    }
    return data as T;
  }

  /**
   * node:http rather than fetch: fetch gives up waiting for response headers after 5 minutes,
   * and an exec may rightly take longer (the default command timeout is 30 minutes).
   */
  private send(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    retried = false,
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.base}${path}`,
        {
          method,
          agent,
          signal,
          headers: {
            authorization: `Bearer ${this.options.secret}`,
            ...(payload === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as we reused it: the request never
        // reached sandboxd, so sending it once more is safe.
        if (req.reusedSocket && err.code === 'ECONNRESET' && !retried)
          resolve(this.send(method, path, body, signal, true));
        else reject(err);
      });
      req.end(payload);
    });
  }
}

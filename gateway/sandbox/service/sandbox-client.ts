/**
 * The gateway's side of sandboxd: the SandboxApi over HTTP with the per-stack secret. Errors come
 * back as the OpenClawErrors the engine raised (same code and message), so a policy refusal reads
 * the same to the agent and the user whether the engine runs here or in sandboxd.
 */
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  type ErrorCode as Code,
} from '../../infra/errors.js';
import type {
  SandboxApi,
  SandboxContainerInfo,
  SandboxExecRequest,
  SandboxExecResult,
  SandboxPlan,
} from '../contract.js';
import { SANDBOXD_PATHS, type WireError } from './wire.js';

export interface SandboxClientOptions {
  /** e.g. `http://sandboxd:18790` on the stack's network. */
  url: string;
  secret: string;
  /** Ceiling for calls other than exec, whose own timeout applies (default 10 minutes: ensure may run a setup). */
  requestTimeoutMs?: number;
}

export class SandboxClient implements SandboxApi {
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

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    noCeiling = false,
  ): Promise<T> {
    const signals = signal ? [signal] : [];
    if (!noCeiling) signals.push(AbortSignal.timeout(this.options.requestTimeoutMs ?? 600_000));
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
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
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `sandboxd answered ${res.status} with a body that is not JSON.`,
      );
    }
    if (!res.ok) {
      const wire = (data as Partial<WireError>).error;
      throw new OpenClawError(
        (wire?.code as Code | undefined) ?? ErrorCode.REQUEST_FAILED,
        wire?.message ?? `sandboxd answered ${res.status}.`,
        { details: { status: res.status, ...wire?.details } },
      );
    }
    return data as T;
  }
}

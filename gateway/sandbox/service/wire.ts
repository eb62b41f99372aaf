/**
 * The sandboxd HTTP API, shared by the server and the client: paths, the error body, and shape
 * checks for what arrives over the wire (the policy gate then judges the content).
 */
import { ErrorCode, OpenClawError, type ErrorCode as Code } from '../../infra/errors.js';
import type {
  SandboxBrowserPlan,
  SandboxExecRequest,
  SandboxPlan,
  SandboxProcessReadRequest,
  SandboxProcessRequest,
} from '../contract.js';

export const SANDBOXD_PATHS = {
  health: '/healthz',
  ensure: '/v1/ensure',
  exec: '/v1/exec',
  list: '/v1/containers',
  remove: '/v1/remove',
  prune: '/v1/prune',
  browserEnsure: '/v1/browser/ensure',
  browserNoVnc: '/v1/browser/novnc',
  processStart: '/v1/process/start',
  processRead: '/v1/process/read',
  processWrite: '/v1/process/write',
  processKill: '/v1/process/kill',
} as const;

export interface WireError {
  error: { code: Code; message: string; details?: Record<string, unknown> };
}

export const HTTP_STATUS: Partial<Record<Code, number>> = {
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.GATEWAY_AUTH_INVALID]: 401,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONTAINER_NOT_FOUND]: 404,
  [ErrorCode.IMAGE_NOT_FOUND]: 404,
  [ErrorCode.DOCKER_UNAVAILABLE]: 503,
};

function bad(message: string): never {
  throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Bad sandboxd request: ${message}`);
}

function obj(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, what: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  if (typeof o[key] !== 'string') bad(`${what}.${key} must be a string`);
}

function num(o: Record<string, unknown>, key: string, what: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  if (typeof o[key] !== 'number' || !Number.isFinite(o[key]))
    bad(`${what}.${key} must be a number`);
}

function strings(o: Record<string, unknown>, key: string, what: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  const v = o[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    bad(`${what}.${key} must be a list of strings`);
}

function stringMap(o: Record<string, unknown>, key: string, what: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  const v = obj(o[key], `${what}.${key}`);
  if (Object.values(v).some((x) => typeof x !== 'string'))
    bad(`${what}.${key} values must be strings`);
}

export function parsePlan(body: unknown): SandboxPlan {
  const p = obj(obj(body, 'body').plan, 'plan');
  for (const k of [
    'agentId',
    'sessionKey',
    'scope',
    'scopeKey',
    'containerName',
    'workspaceAccess',
    'workspaceDir',
    'agentWorkspaceDir',
    'configHash',
  ])
    str(p, k, 'plan');
  strings(p, 'allowedBindRoots', 'plan');
  if (typeof p.allowExternalBindSources !== 'boolean')
    bad('plan.allowExternalBindSources must be a boolean');
  const prune = obj(p.prune, 'plan.prune');
  num(prune, 'idleHours', 'plan.prune');
  num(prune, 'maxAgeDays', 'plan.prune');
  const s = obj(p.spec, 'plan.spec');
  for (const k of ['image', 'workdir', 'network']) str(s, k, 'plan.spec');
  for (const k of [
    'user',
    'setupCommand',
    'memory',
    'memorySwap',
    'seccompProfile',
    'apparmorProfile',
  ])
    str(s, k, 'plan.spec', true);
  if (typeof s.readOnlyRoot !== 'boolean') bad('plan.spec.readOnlyRoot must be a boolean');
  strings(s, 'tmpfs', 'plan.spec');
  strings(s, 'capDrop', 'plan.spec');
  strings(s, 'dns', 'plan.spec', true);
  strings(s, 'extraHosts', 'plan.spec', true);
  stringMap(s, 'env', 'plan.spec');
  num(s, 'pidsLimit', 'plan.spec', true);
  num(s, 'cpus', 'plan.spec', true);
  if (s.ulimits !== undefined) {
    for (const [name, limit] of Object.entries(obj(s.ulimits, 'plan.spec.ulimits'))) {
      const l = obj(limit, `plan.spec.ulimits.${name}`);
      num(l, 'soft', `plan.spec.ulimits.${name}`, true);
      num(l, 'hard', `plan.spec.ulimits.${name}`, true);
    }
  }
  if (!Array.isArray(s.binds)) bad('plan.spec.binds must be a list');
  for (const b of s.binds as unknown[]) {
    const bind = obj(b, 'plan.spec.binds[]');
    str(bind, 'source', 'plan.spec.binds[]');
    str(bind, 'target', 'plan.spec.binds[]');
    if (typeof bind.readOnly !== 'boolean') bad('plan.spec.binds[].readOnly must be a boolean');
  }
  return p as unknown as SandboxPlan;
}

export function parseExec(body: unknown): SandboxExecRequest {
  const r = obj(body, 'body');
  str(r, 'containerName', 'exec');
  str(r, 'command', 'exec');
  str(r, 'workdir', 'exec', true);
  str(r, 'stdin', 'exec', true);
  num(r, 'timeoutMs', 'exec', true);
  num(r, 'maxOutputBytes', 'exec', true);
  stringMap(r, 'env', 'exec', true);
  return r as unknown as SandboxExecRequest;
}

export function parseName(body: unknown): string {
  const r = obj(body, 'body');
  str(r, 'containerName', 'remove');
  return r.containerName as string;
}

export function parsePrune(body: unknown): { idleHours: number; maxAgeDays: number } {
  const r = obj(body, 'body');
  num(r, 'idleHours', 'prune');
  num(r, 'maxAgeDays', 'prune');
  return { idleHours: r.idleHours as number, maxAgeDays: r.maxAgeDays as number };
}

export function parseBrowserPlan(body: unknown): SandboxBrowserPlan {
  const p = obj(obj(body, 'body').plan, 'plan');
  for (const k of ['agentId', 'scopeKey', 'containerName', 'image', 'network', 'configHash'])
    str(p, k, 'plan');
  str(p, 'cdpSourceRange', 'plan', true);
  for (const k of ['cdpPort', 'noVncPort', 'startTimeoutMs']) num(p, k, 'plan');
  for (const k of ['headless', 'noVnc'])
    if (typeof p[k] !== 'boolean') bad(`plan.${k} must be a boolean`);
  return p as unknown as SandboxBrowserPlan;
}

export function parseProcessStart(body: unknown): SandboxProcessRequest {
  const r = obj(body, 'body');
  str(r, 'containerName', 'process');
  str(r, 'command', 'process');
  str(r, 'workdir', 'process', true);
  stringMap(r, 'env', 'process', true);
  return {
    containerName: r.containerName as string,
    command: r.command as string,
    ...(r.workdir !== undefined ? { workdir: r.workdir as string } : {}),
    ...(r.env !== undefined ? { env: r.env as Record<string, string> } : {}),
  };
}

export function parseProcessRead(body: unknown): SandboxProcessReadRequest {
  const r = obj(body, 'body');
  str(r, 'processId', 'process');
  num(r, 'stdoutOffset', 'process');
  num(r, 'stderrOffset', 'process');
  num(r, 'waitMs', 'process', true);
  if ((r.stdoutOffset as number) < 0 || (r.stderrOffset as number) < 0)
    bad('process offsets must not be negative');
  return {
    processId: r.processId as string,
    stdoutOffset: Math.floor(r.stdoutOffset as number),
    stderrOffset: Math.floor(r.stderrOffset as number),
    ...(r.waitMs !== undefined ? { waitMs: r.waitMs as number } : {}),
  };
}

export function parseProcessWrite(body: unknown): {
  processId: string;
  data?: string;
  end?: boolean;
} {
  const r = obj(body, 'body');
  str(r, 'processId', 'process');
  str(r, 'data', 'process', true);
  if (r.end !== undefined && typeof r.end !== 'boolean') bad('process.end must be a boolean');
  return {
    processId: r.processId as string,
    ...(r.data !== undefined ? { data: r.data as string } : {}),
    ...(r.end !== undefined ? { end: r.end as boolean } : {}),
  };
}

export function parseProcessId(body: unknown): string {
  const r = obj(body, 'body');
  str(r, 'processId', 'process');
  return r.processId as string;
}

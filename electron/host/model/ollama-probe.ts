/**
 * Is there an Ollama on this computer, which models does it have, and can the gateway's
 * container reach it? Ollama listens on 127.0.0.1:11434 by default. Docker Desktop forwards
 * `host.docker.internal` to the host's loopback, but on Linux that name is the Docker bridge's
 * address, which a loopback-only Ollama refuses: there it must listen on all interfaces
 * (`OLLAMA_HOST=0.0.0.0`). We find out by asking Ollama on a non-loopback address of this host.
 */
import os from 'node:os';
import { OLLAMA_DEFAULT_URL } from './provider-kinds.js';

export interface OllamaModel {
  id: string;
  sizeBytes?: number;
  parameterSize?: string;
}

export type ContainerReach = 'yes' | 'no' | 'unknown';

export interface OllamaProbe {
  found: boolean;
  /** The address probed, as this computer sees it. */
  url: string;
  models: OllamaModel[];
  containerReach: ContainerReach;
  /** What to do next, when something is in the way. */
  hint?: string;
}

export interface OllamaProbeOptions {
  url?: string;
  platform?: NodeJS.Platform;
  /** Addresses of this host other than loopback, best first (default: docker0, then the rest). */
  hostAddresses?: () => string[];
  timeoutMs?: number;
}

export const LOOPBACK_ONLY_HINT =
  'Ollama listens on 127.0.0.1 only, so the gateway’s container cannot reach it. Start it with OLLAMA_HOST=0.0.0.0 (for the systemd service: `sudo systemctl edit ollama`, add `Environment="OLLAMA_HOST=0.0.0.0"` under [Service], then `sudo systemctl restart ollama`), then test again.';

export function defaultHostAddresses(): string[] {
  const all = os.networkInterfaces();
  const out: string[] = [];
  const add = (name: string) => {
    for (const info of all[name] ?? [])
      if (info.family === 'IPv4' && !info.internal && !out.includes(info.address))
        out.push(info.address);
  };
  // host-gateway is docker0's address unless the daemon says otherwise.
  add('docker0');
  for (const name of Object.keys(all)) add(name);
  return out;
}

async function tags(
  base: string,
  timeoutMs: number,
): Promise<OllamaModel[] | 'refused' | 'not-ollama'> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    return 'refused';
  }
  if (!res.ok) return 'not-ollama';
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return 'not-ollama';
  }
  const list = (body as { models?: unknown }).models;
  if (!Array.isArray(list)) return 'not-ollama';
  const models: OllamaModel[] = [];
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as {
      name?: unknown;
      model?: unknown;
      size?: unknown;
      details?: { parameter_size?: unknown };
    };
    const id =
      typeof e.model === 'string' ? e.model : typeof e.name === 'string' ? e.name : undefined;
    if (!id) continue;
    models.push({
      id,
      ...(typeof e.size === 'number' ? { sizeBytes: e.size } : {}),
      ...(typeof e.details?.parameter_size === 'string'
        ? { parameterSize: e.details.parameter_size }
        : {}),
    });
  }
  return models;
}

/** Ollama's server root for a URL the user gave (`…/v1` and `…/api` stripped). */
export function ollamaRoot(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/(v1|api)$/, '');
}

export async function probeOllama(options: OllamaProbeOptions = {}): Promise<OllamaProbe> {
  const url = ollamaRoot(options.url ?? OLLAMA_DEFAULT_URL);
  const timeoutMs = options.timeoutMs ?? 1500;
  const result = await tags(url, timeoutMs);
  if (result === 'refused')
    return {
      found: false,
      url,
      models: [],
      containerReach: 'unknown',
      hint: `Nothing answers at ${url}. Is Ollama running? Start it (the Ollama app, or \`ollama serve\`) and look again.`,
    };
  if (result === 'not-ollama')
    return {
      found: false,
      url,
      models: [],
      containerReach: 'unknown',
      hint: `Something answers at ${url}, but it is not Ollama. Check the address.`,
    };
  const reach = await containerReach(url, options, timeoutMs);
  const hint =
    reach === 'no'
      ? LOOPBACK_ONLY_HINT
      : result.length === 0
        ? 'Ollama has no models yet. Download one, for example `ollama pull qwen3:8b`, then look again.'
        : undefined;
  return { found: true, url, models: result, containerReach: reach, ...(hint ? { hint } : {}) };
}

async function containerReach(
  url: string,
  options: OllamaProbeOptions,
  timeoutMs: number,
): Promise<ContainerReach> {
  if ((options.platform ?? process.platform) !== 'linux') return 'unknown';
  const parsed = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) return 'unknown';
  const address = (options.hostAddresses ?? defaultHostAddresses)()[0];
  if (!address) return 'unknown';
  parsed.hostname = address;
  const answer = await tags(parsed.origin, timeoutMs);
  return answer === 'refused' ? 'no' : 'yes';
}

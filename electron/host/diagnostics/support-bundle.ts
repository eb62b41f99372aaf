/**
 * The one-click support bundle: a zip of what a helper needs to see — app logs, the stack's
 * compose files and `.env`, engine version/info, the stack containers' inspect output and last log
 * lines, the gateway's `health --json`, and the diagnostics results — with every entry passed
 * through masking on its way in (there is no code path that adds unmasked text). A part that
 * cannot be collected is noted in README.txt instead of failing the bundle.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { cancelledError, type StackContainer } from '../../../docker/engine/index.js';
import {
  EXTRA_COMPOSE_FILE,
  SANDBOX_COMPOSE_FILE,
  COMPOSE_FILE,
  ENV_FILE,
  stackFiles,
} from '../../../docker/stack/index.js';
import { writeFileAtomic } from '../../../gateway/infra/atomic-write.js';
import { errorMessage } from '../../../gateway/infra/errors.js';
import { runDiagnostics, type DiagnosticResult } from './checks.js';
import { GATEWAY_SERVICE, type DiagnosticsContext } from './context.js';
import { maskSecrets, maskValue } from './masking.js';

export interface SupportBundleOptions {
  outFile: string;
  signal?: AbortSignal;
  /** Results to include; default: run the diagnostics now. */
  diagnostics?: readonly DiagnosticResult[];
  /** Container log lines per container (default 500). */
  logLines?: number;
  /** Bytes kept from the end of each app log file (default 5 MiB). */
  maxAppLogBytes?: number;
  /** Time limit for each engine or compose call (default 20 s). */
  partTimeoutMs?: number;
}

export interface SupportBundle {
  file: string;
  /** Entry names, in zip order. */
  entries: string[];
}

export const HEALTH_COMMAND = ['node', '/app/gateway/openclaw.mjs', 'health', '--json'] as const;
const MAX_CONTAINERS = 10;

/** Only the masked text of an entry ever reaches the zip. */
class MaskedEntries {
  readonly names: string[] = [];
  private readonly files: Zippable = {};
  readonly notes: string[] = [];

  constructor(private readonly knownSecrets: readonly string[]) {}

  add(name: string, text: string): void {
    let unique = name;
    for (let i = 2; Object.hasOwn(this.files, unique); i += 1) unique = `${name}.${i}`;
    this.files[unique] = strToU8(maskSecrets(text, { knownSecrets: this.knownSecrets }));
    this.names.push(unique);
  }

  addJson(name: string, value: unknown): void {
    this.add(
      name,
      `${JSON.stringify(maskValue(value, { knownSecrets: this.knownSecrets }), null, 2)}\n`,
    );
  }

  note(text: string): void {
    this.notes.push(text);
  }

  zip(mtime: Date): Uint8Array {
    return zipSync(this.files, { level: 6, mtime });
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'unnamed';
}

async function tailOfFile(file: string, maxBytes: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    if (start > 0) {
      // Drop the partial first line (and a split UTF-8 character with it).
      text = `[... ${start} earlier bytes not included ...]\n${text.slice(text.indexOf('\n') + 1)}`;
    }
    return text;
  } finally {
    await handle.close();
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}

function partSignal(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

async function addStackFiles(ctx: DiagnosticsContext, out: MaskedEntries): Promise<void> {
  const files = stackFiles(ctx.settings.stackDir);
  const list: Array<[string, string]> = [
    [COMPOSE_FILE, files.composeFile],
    [EXTRA_COMPOSE_FILE, files.extraComposeFile],
    [SANDBOX_COMPOSE_FILE, files.sandboxComposeFile],
    [ENV_FILE, files.envFile],
  ];
  for (const [name, file] of list) {
    const text = await readIfExists(file);
    if (text === undefined) out.note(`stack/${name}: not present in ${ctx.settings.stackDir}.`);
    else out.add(`stack/${name}`, text);
  }
}

async function addEngine(
  ctx: DiagnosticsContext,
  out: MaskedEntries,
  options: Required<Pick<SupportBundleOptions, 'logLines' | 'partTimeoutMs'>> & {
    signal?: AbortSignal;
  },
): Promise<StackContainer | undefined> {
  const engine = ctx.engine;
  if (!engine) {
    out.note('engine/*, containers/*: no Docker engine is configured.');
    return undefined;
  }
  const part = () => partSignal(options.signal, options.partTimeoutMs);
  for (const [name, call] of [
    ['engine/version.json', () => engine.version(part())],
    ['engine/info.json', () => engine.info(part())],
  ] as const) {
    try {
      out.addJson(name, await call());
    } catch (err) {
      out.note(`${name}: ${errorMessage(err)}`);
    }
  }
  let containers: StackContainer[];
  try {
    containers = await engine.stackContainers(part());
  } catch (err) {
    out.note(`containers/*: ${errorMessage(err)}`);
    return undefined;
  }
  out.addJson(
    'containers/list.json',
    containers.map(({ id, name, service, oneOff, image, state, health, status }) => ({
      id,
      name,
      service,
      oneOff,
      image,
      state,
      health,
      status,
    })),
  );
  // Service containers first, then the most recent one-off runs.
  const chosen = [
    ...containers.filter((c) => !c.oneOff),
    ...containers.filter((c) => c.oneOff),
  ].slice(0, MAX_CONTAINERS);
  for (const container of chosen) {
    const dir = `containers/${safeName(container.name || container.id.slice(0, 12))}`;
    try {
      out.addJson(`${dir}/inspect.json`, await engine.inspect(container.id, part()));
    } catch (err) {
      out.note(`${dir}/inspect.json: ${errorMessage(err)}`);
    }
    try {
      const lines = await engine.logTail(container.id, options.logLines, part());
      out.add(`${dir}/logs.txt`, `${lines.join('\n')}\n`);
    } catch (err) {
      out.note(`${dir}/logs.txt: ${errorMessage(err)}`);
    }
  }
  if (containers.length > chosen.length)
    out.note(`containers/*: only ${chosen.length} of ${containers.length} containers included.`);
  return containers.find((c) => c.service === GATEWAY_SERVICE && !c.oneOff);
}

async function addHealth(
  ctx: DiagnosticsContext,
  out: MaskedEntries,
  gateway: StackContainer | undefined,
  signal: AbortSignal,
): Promise<void> {
  const skip = (why: string): void =>
    out.add('gateway/health.txt', `health --json was not run: ${why}\n`);
  if (!gateway || gateway.state !== 'running') return skip('the gateway container is not running.');
  if (!ctx.composeExec) return skip('Docker Compose is not available.');
  try {
    const result = await ctx.composeExec(GATEWAY_SERVICE, HEALTH_COMMAND, { signal });
    if (result.code === 0) out.add('gateway/health.json', result.stdout);
    else
      out.add(
        'gateway/health.txt',
        `\`openclaw health --json\` exited with ${result.code}.\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}\n`,
      );
  } catch (err) {
    skip(errorMessage(err));
  }
}

function readme(
  ctx: DiagnosticsContext,
  entries: readonly string[],
  notes: readonly string[],
): string {
  return [
    'OpenClaw Desktop support bundle',
    `Created: ${ctx.now().toISOString()}`,
    `Platform: ${ctx.platform}; compose project "${ctx.projectName}"; stack folder ${ctx.settings.stackDir}`,
    '',
    'SECRETS WERE MASKED. Every file in this bundle went through masking before it was added:',
    'the gateway token, device tokens, API keys, passwords and other values under secret-looking',
    'names, bearer/basic credentials, dashboard links carrying a token, credentials in URLs and the',
    'container environment were replaced by ***. Still, look through it before you share it.',
    '',
    'Contents:',
    ...entries.map((e) => `  ${e}`),
    '  README.txt (this file)',
    '',
    'Not included:',
    ...(notes.length > 0 ? notes.map((n) => `  - ${n}`) : ['  (nothing was left out)']),
    '',
  ].join('\n');
}

/**
 * Write the bundle to `outFile` (atomically, mode 0600). Rejects only with CANCELLED (signal) or
 * when the file cannot be written; every other problem becomes a note in README.txt.
 */
export async function createSupportBundle(
  ctx: DiagnosticsContext,
  options: SupportBundleOptions,
): Promise<SupportBundle> {
  const { signal } = options;
  const checkCancelled = (): void => {
    if (signal?.aborted) throw cancelledError('Creating the support bundle');
  };
  checkCancelled();
  let secrets: readonly string[] = [];
  let secretsNote: string | undefined;
  try {
    secrets = await ctx.knownSecrets();
  } catch (err) {
    secretsNote = `known secrets could not be collected (${errorMessage(err)}); masking used the format rules only.`;
  }
  const out = new MaskedEntries(secrets);
  if (secretsNote) out.note(secretsNote);

  const logNames = new Set<string>();
  for (const file of ctx.appLogFiles) {
    let name = `app/${safeName(path.basename(file))}`;
    for (let i = 2; logNames.has(name); i += 1) name = `app/${i}-${safeName(path.basename(file))}`;
    logNames.add(name);
    try {
      out.add(name, await tailOfFile(file, options.maxAppLogBytes ?? 5 * 1024 * 1024));
    } catch (err) {
      out.note(`${name} (${file}): ${errorMessage(err)}`);
    }
  }
  out.addJson('app/settings.json', ctx.settings);
  await addStackFiles(ctx, out);
  checkCancelled();

  const limits = {
    logLines: options.logLines ?? 500,
    partTimeoutMs: options.partTimeoutMs ?? 20_000,
    signal,
  };
  const gateway = await addEngine(ctx, out, limits);
  checkCancelled();
  await addHealth(ctx, out, gateway, partSignal(signal, limits.partTimeoutMs));
  checkCancelled();

  const diagnostics = options.diagnostics ?? (await runDiagnostics(ctx, { signal }));
  out.addJson('diagnostics.json', diagnostics);
  checkCancelled();

  out.add('README.txt', readme(ctx, out.names, out.notes));
  const zip = out.zip(ctx.now());
  await writeFileAtomic(options.outFile, zip, { mode: 0o600, forceMode: true });
  return { file: options.outFile, entries: [...out.names] };
}

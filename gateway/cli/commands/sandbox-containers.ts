/**
 * `openclaw sandbox list [--json] [--browser]` and
 * `openclaw sandbox recreate --all | --agent <id> | --session <key> [--browser] [--force]`:
 * the sandbox containers, reached as agent runs reach them (sandboxd from the environment, else
 * the local Docker engine). Recreate removes; the next run of that scope creates it fresh.
 */
import { createInterface } from 'node:readline/promises';
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import {
  openSandboxAccess,
  sandboxingConfigured,
  sandboxUnreachable,
} from '../../sandbox/admin/sandbox-access.js';
import { formatSandboxListing } from '../../sandbox/admin/sandbox-format.js';
import {
  describeTarget,
  listSandboxes,
  nothingMatched,
  removeSandboxes,
  selectForRecreate,
  type RecreateTarget,
} from '../../sandbox/admin/sandbox-inventory.js';
import { createOutput, parseCommandArgs } from '../args.js';

export const LIST_USAGE = 'openclaw sandbox list [--json] [--browser]';
export const RECREATE_USAGE =
  'openclaw sandbox recreate --all | --agent <id> | --session <key> [--browser] [--force]';

export interface SandboxIo {
  /** Whether a person can answer a question (stdin and stdout are terminals). */
  interactive: boolean;
  ask(question: string): Promise<string>;
}

const defaultIo: SandboxIo = {
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
};

function usageError(message: string, usage: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${usage}`, {
    exitCode: 2,
  });
}

async function currentConfig(env: Env, paths: StatePaths) {
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined)
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed; fix it first (openclaw config get shows what is wrong).`,
    );
  return snapshot.config;
}

export async function sandboxList(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { json: { type: 'boolean' }, browser: { type: 'boolean' } },
    LIST_USAGE,
  );
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"`, LIST_USAGE);
  const out = createOutput(values.json === true);
  const browser = values.browser === true;
  const now = Date.now();
  const config = await currentConfig(env, paths);
  const access = await openSandboxAccess({ config, env, paths });
  const listing = await listSandboxes(access.api, config, paths).catch((err: unknown) => {
    throw sandboxUnreachable(access, config, err);
  });
  out.result(browser ? { containers: [], browsers: listing.browsers } : listing, () =>
    formatSandboxListing(listing, now, {
      browser,
      sandboxingOff: !sandboxingConfigured(config),
    }),
  );
  return 0;
}

/** The flags → one target; exactly one of --all, --agent, --session. */
export function parseRecreateArgs(argv: string[]): {
  target: RecreateTarget;
  force: boolean;
  browser: boolean;
} {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      all: { type: 'boolean' },
      agent: { type: 'string' },
      session: { type: 'string' },
      browser: { type: 'boolean' },
      force: { type: 'boolean' },
    },
    RECREATE_USAGE,
  );
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"`, RECREATE_USAGE);
  const agent = values.agent?.trim();
  const session = values.session?.trim();
  if (values.agent !== undefined && !agent)
    throw usageError('--agent needs an agent id', RECREATE_USAGE);
  if (values.session !== undefined && !session)
    throw usageError('--session needs a session (scope) key', RECREATE_USAGE);
  const chosen = [values.all === true, agent !== undefined, session !== undefined].filter(
    Boolean,
  ).length;
  if (chosen !== 1)
    throw usageError(
      chosen === 0
        ? 'say which sandboxes to recreate: --all, --agent <id> or --session <key>'
        : 'give only one of --all, --agent and --session',
      RECREATE_USAGE,
    );
  const target: RecreateTarget =
    values.all === true
      ? { all: true }
      : agent !== undefined
        ? { agentId: agent }
        : { sessionKey: session! };
  return { target, force: values.force === true, browser: values.browser === true };
}

export async function sandboxRecreate(
  argv: string[],
  env: Env,
  paths: StatePaths,
  io: SandboxIo = defaultIo,
): Promise<number> {
  const { target, force, browser } = parseRecreateArgs(argv);
  const out = createOutput(false);
  if (!force && !io.interactive)
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `sandbox recreate removes containers and asks for confirmation, but there is no terminal to ask on. Add --force to remove ${describeTarget(target)} without asking.`,
      { exitCode: 2 },
    );
  const config = await currentConfig(env, paths);
  const access = await openSandboxAccess({ config, env, paths });
  const listing = await listSandboxes(access.api, config, paths).catch((err: unknown) => {
    throw sandboxUnreachable(access, config, err);
  });
  const rows = selectForRecreate(listing, target, browser);
  if (rows.length === 0) {
    if ('all' in target) {
      out.print(`No ${browser ? 'browser sandboxes' : 'sandbox containers'} to recreate.`);
      return 0;
    }
    throw nothingMatched(target);
  }
  if (!force) {
    out.print(`These containers will be removed (recreated on their next run):`);
    for (const row of rows) out.print(`  ${row.containerName} (${row.scopeKey}, ${row.state})`);
    const answer = (await io.ask('Remove them? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') {
      out.print('Nothing removed.');
      return 1;
    }
  }
  const result = await removeSandboxes(access.api, rows);
  for (const name of result.removed) out.print(`Removed ${name}`);
  for (const f of result.failed)
    process.stderr.write(`Could not remove ${f.containerName}: ${f.error}\n`);
  if (result.removed.length > 0) out.print('They are created fresh on their next agent run.');
  return result.failed.length > 0 ? 1 : 0;
}

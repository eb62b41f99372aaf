/** `openclaw sandbox explain [--agent id] [--session key] [--json]`: the effective sandbox, from the config alone. */
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { explainSandbox, type SandboxExplanation } from '../../sandbox/config/explain-sandbox.js';
import { createOutput, parseCommandArgs } from '../args.js';

const USAGE = 'openclaw sandbox explain [--agent <id>] [--session <key>] [--json]';
const COMMANDS = 'list, recreate, explain';

function usageError(message: string): OpenClawError {
  return new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${message}\nUsage: ${USAGE}`, {
    exitCode: 2,
  });
}

function from(source: string): string {
  return source === 'default' ? '(default)' : `(${source})`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'all tools' : items.join(', ');
}

/** The human form of an explanation; every line names the config key that decided it. */
export function formatSandboxExplanation(x: SandboxExplanation): string {
  const lines = [
    `Agent:            ${x.agentId}`,
    `Session:          ${x.sessionKey}${x.sessionKey === x.mainSessionKey ? ' (main session)' : ` (main session is ${x.mainSessionKey})`}`,
    `Runtime:          ${x.runtime} — ${x.reason}`,
    `Mode:             ${x.mode} ${from(x.sources.mode)}`,
    `Scope:            ${x.scope} ${from(x.sources.scope)}`,
    `Workspace access: ${x.workspaceAccess} ${from(x.sources.workspaceAccess)}`,
    `Workspace root:   ${x.workspaceRoot} ${from(x.sources.workspaceRoot)}`,
  ];
  const plan = x.plan;
  if (plan) {
    const spec = plan.spec;
    lines.push(
      `Container:        ${plan.containerName} (scope key ${plan.scopeKey})`,
      `Image:            ${spec.image}`,
      `Network:          ${spec.network}`,
      `User:             ${spec.user ?? '(image default)'}`,
      `Environment:      ${Object.keys(spec.env).join(', ')}`,
      `Root filesystem:  ${spec.readOnlyRoot ? 'read-only' : 'writable'}; capabilities dropped: ${spec.capDrop.join(', ') || 'none'}`,
      'Mounts:',
      ...spec.binds.map(
        (b) => `  ${b.source} → ${b.target} (${b.readOnly ? 'read-only' : 'read-write'})`,
      ),
      `Prune:            idle ${plan.prune.idleHours} h, age ${plan.prune.maxAgeDays} d (0 = never)`,
      `Config hash:      ${plan.configHash.slice(0, 12)}`,
    );
  }
  lines.push(
    `Tools allowed:    ${list(x.tools.allow)} ${from(x.tools.sources.allow)}`,
    `Tools denied:     ${x.tools.deny.join(', ') || 'none'} ${from(x.tools.sources.deny)}`,
  );
  if (plan && plan.workspaceAccess === 'ro')
    lines.push(
      '                  write, edit and apply_patch are removed (workspace is read-only)',
    );
  lines.push(
    `Browser sandbox:  ${x.browser.enabled ? `enabled (${x.browser.image})` : 'disabled'}`,
  );
  for (const warning of x.warnings) lines.push(`Warning:          ${warning}`);
  lines.push(`Change it with:   ${x.fixIt.join(', ')} (openclaw config set <key> <value>)`);
  return lines.join('\n');
}

export async function sandbox(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list')
    return (await import('./sandbox-containers.js')).sandboxList(rest, env, paths);
  if (sub === 'recreate')
    return (await import('./sandbox-containers.js')).sandboxRecreate(rest, env, paths);
  if (sub !== 'explain') {
    throw usageError(
      sub === undefined
        ? `sandbox needs a command (${COMMANDS})`
        : `unknown sandbox command "${sub}" (available: ${COMMANDS})`,
    );
  }
  const { values, positionals } = parseCommandArgs(
    rest,
    { agent: { type: 'string' }, session: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const snapshot = await loadConfigSnapshot(paths, env);
  if (snapshot.exists && snapshot.parsed === undefined) {
    throw new OpenClawError(
      ErrorCode.CONFIG_INVALID,
      `${paths.configPath} cannot be parsed; fix it first (openclaw config get shows what is wrong).`,
    );
  }
  const explanation = explainSandbox({
    config: snapshot.config,
    paths,
    agentId: values.agent,
    sessionKey: values.session,
  });
  // Invalid sandbox values are left out of the validated config, so defaults apply: say so.
  for (const issue of snapshot.issues) {
    if (/sandbox/.test(issue.path))
      explanation.warnings.push(`${issue.path}: ${issue.message} (ignored; the default applies)`);
  }
  createOutput(values.json === true).result(explanation, () =>
    formatSandboxExplanation(explanation),
  );
  return 0;
}

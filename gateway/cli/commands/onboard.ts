/** `openclaw onboard --non-interactive --accept-risk --mode local …`: write a ready local config. */
import { applyLocalOnboarding } from '../../config/onboard.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { GATEWAY_VERSION } from '../../runtime/version.js';
import { createOutput, oneOf, parseCommandArgs, parsePort } from '../args.js';
import { AUTH_CHOICES, AUTH_OPTIONS, applyAuthChoice, checkAuthFlags } from '../onboard-auth.js';

const USAGE = `openclaw onboard --non-interactive --accept-risk --mode local [--workspace DIR] [--gateway-port N] [--gateway-bind loopback|lan] [--gateway-auth token] [--gateway-token T | --gateway-token-ref-env ENV] [--allowed-origin URL …] [--auth-choice ${AUTH_CHOICES.join('|')} [--<provider>-api-key K] [--custom-base-url URL --custom-model-id ID --custom-api-key K --custom-compatibility openai|openai-responses|anthropic] [--secret-input-mode plaintext|ref]] [--skip-channels --skip-skills --skip-health --skip-ui --skip-daemon --no-install-daemon] [--json]`;

export async function onboard(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'non-interactive': { type: 'boolean' },
      'accept-risk': { type: 'boolean' },
      mode: { type: 'string' },
      flow: { type: 'string' },
      workspace: { type: 'string' },
      'gateway-port': { type: 'string' },
      'gateway-bind': { type: 'string' },
      'gateway-auth': { type: 'string' },
      'gateway-token': { type: 'string' },
      'gateway-token-ref-env': { type: 'string' },
      'allowed-origin': { type: 'string', multiple: true },
      ...AUTH_OPTIONS,
      'skip-channels': { type: 'boolean' },
      'skip-skills': { type: 'boolean' },
      'skip-search': { type: 'boolean' },
      'skip-health': { type: 'boolean' },
      'skip-ui': { type: 'boolean' },
      'skip-daemon': { type: 'boolean' },
      'no-install-daemon': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  const out = createOutput(values.json === true);
  if (!values['non-interactive']) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `interactive onboarding lives in OpenClaw Desktop; from a terminal run with --non-interactive --accept-risk\nUsage: ${USAGE}`,
      { exitCode: 2 },
    );
  }
  if (!values['accept-risk']) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'non-interactive onboarding needs --accept-risk: the agent can run tools on this machine (or in its container)',
      { exitCode: 2 },
    );
  }
  const mode = oneOf(values.mode ?? 'local', ['local'] as const, '--mode');
  const auth = oneOf(values['gateway-auth'] ?? 'token', ['token'] as const, '--gateway-auth');
  if (values['gateway-token'] && values['gateway-token-ref-env']) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'pass either --gateway-token or --gateway-token-ref-env, not both',
      { exitCode: 2 },
    );
  }
  checkAuthFlags(values, env);
  const result = await applyLocalOnboarding(paths, {
    env,
    port: parsePort(values['gateway-port'], '--gateway-port'),
    bind: oneOf(
      values['gateway-bind'],
      ['loopback', 'lan', 'auto', 'custom'] as const,
      '--gateway-bind',
    ),
    gatewayToken: values['gateway-token'],
    gatewayTokenRefEnv: values['gateway-token-ref-env'],
    workspace: values.workspace,
    extraAllowedOrigins: values['allowed-origin'],
    version: GATEWAY_VERSION,
    command: 'onboard',
  });
  const model = await applyAuthChoice(paths, env, values);
  out.result({ ok: true, mode, auth, configPath: paths.configPath, ...result, model }, () => {
    const lines = [`Onboarded (mode ${mode}) — config: ${paths.configPath}`];
    for (const change of result.changes)
      lines.push(`  ${change.kind === 'config' ? '~' : '+'} ${change.description}`);
    for (const change of model.changes) lines.push(`  ${change}`);
    if (result.changes.length === 0 && model.changes.length === 0)
      lines.push('  nothing to change');
    if (model.model) lines.push(`Model: ${model.model} (key: ${model.keySource ?? 'none'})`);
    lines.push('Next: openclaw gateway run   (then: openclaw dashboard --no-open)');
    return lines.join('\n');
  });
  return 0;
}

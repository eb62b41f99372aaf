/**
 * The terminal front end of the setup flow (`./docker-setup.sh`). Inputs are the same OPENCLAW_*
 * variables as OpenClaw's script. Non-interactive when stdin is not a terminal or with
 * --non-interactive; otherwise it shows the plan and asks once before changing anything.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import {
  ErrorCode,
  OpenClawError,
  isOpenClawError,
  errorMessage,
} from '../../gateway/infra/errors.js';
import { redactText } from '../../gateway/infra/logger.js';
import { sandboxEnabled } from '../stack/sandbox-compose.js';
import { composeTerminalCommand, terminalShellFor } from '../stack/terminal-command.js';
import { resolveNodeBase, type NodeBaseChoice } from './base-image.js';
import { runSetup, validateSetupInputs, type SetupEvent } from './run-setup.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');

const HELP = `Usage: ./docker-setup.sh [--non-interactive] [--stack-dir DIR] [--project-name NAME]

Builds the gateway image, writes .env (and docker-compose.extra.yml when extras are set),
onboards the gateway config and starts the stack (published on 127.0.0.1 unless
OPENCLAW_GATEWAY_PUBLISH_ADDRESS says otherwise). Re-running is safe.
--project-name sets the compose project (default "openclaw"; saved as COMPOSE_PROJECT_NAME in
.env), so a second stack — a test, a trial — never touches the default one.

Inputs (environment variables):
  OPENCLAW_CONFIG_DIR           host folder for ~/.openclaw            (default ~/.openclaw)
  OPENCLAW_WORKSPACE_DIR        host folder for the agent workspace     (default <config>/workspace)
  OPENCLAW_GATEWAY_PORT         host port of the gateway                (default 18789)
  OPENCLAW_GATEWAY_PUBLISH_ADDRESS  host address the port is published on (default 127.0.0.1:
                                this computer only; 0.0.0.0: other devices on the network can
                                connect — the token is still required and new browsers still
                                need approval; or one of this computer's IPv4 addresses)
  OPENCLAW_GATEWAY_BIND         lan | loopback (inside the container)   (default lan)
  OPENCLAW_GATEWAY_TOKEN        gateway token (default: reuse, else generate)
  OPENCLAW_IMAGE                use this image instead of building openclaw:local
  OPENCLAW_EXTRA_MOUNTS         source:target[:ro],… extra bind mounts
  OPENCLAW_HOME_VOLUME          named volume (or absolute host path) for /home/node
  OPENCLAW_DOCKER_APT_PACKAGES  Debian packages baked into the image, space separated
  OPENCLAW_NODE_IMAGE           base image to build FROM (default: node:22-bookworm-slim if the
                                engine has it, else the local openclaw-base/node:22-bookworm-slim
                                made by scripts/make-base-images.sh)
  OPENCLAW_BASE_IMAGE           Debian base of the agent sandbox image (same rules: debian:bookworm-slim,
                                else the local openclaw-base/debian:bookworm-slim)
  OPENCLAW_SANDBOX              1/true/yes/on: build the agent sandbox image, add the sandboxd service
                                (docker-compose.sandbox.yml; the only holder of the Docker socket) and
                                set agents.defaults.sandbox (mode non-main, scope agent, no workspace
                                access). A run without it turns sandboxing off and removes the service.
  OPENCLAW_DOCKER_SOCKET        the engine's socket for sandboxd (default: DOCKER_HOST's unix path,
                                else /var/run/docker.sock)`;

function describe(event: SetupEvent, verbose: boolean): string | undefined {
  switch (event.kind) {
    case 'phase':
      return `==> ${event.message}`;
    case 'build':
      if (event.event.kind === 'step')
        return `    [${event.event.index}/${event.event.total}] ${event.event.label}`;
      if (event.event.kind === 'error') return `    ! ${event.event.text}`;
      return verbose ? `    ${event.event.text}` : undefined;
    case 'warning':
      return `    warning: ${event.text}`;
    case 'log':
      return verbose ? `    ${event.text}` : undefined;
  }
}

const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * The value of `--flag VALUE` (or `--flag=VALUE`); the last one wins, because ./docker-setup.sh
 * puts its own `--stack-dir` before the user's arguments.
 */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `${flag} needs a value.`, {
          exitCode: 2,
        });
      }
      value = next;
      i++;
    } else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  }
  return value;
}

/** `--project-name NAME`: checked here so a bad name is refused before anything is written. */
export function parseProjectName(argv: readonly string[]): string | undefined {
  const name = flagValue(argv, '--project-name');
  if (name !== undefined && !PROJECT_NAME_PATTERN.test(name)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--project-name ${JSON.stringify(name)} is not a valid compose project name: use lowercase letters, digits, "-" and "_", starting with a letter or digit. Nothing was changed.`,
      { exitCode: 2 },
    );
  }
  return name;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const stackDir = path.resolve(flagValue(argv, '--stack-dir') ?? REPO_ROOT);
  const projectName = parseProjectName(argv);
  const verbose = argv.includes('--verbose');
  const interactive =
    process.stdin.isTTY === true &&
    !argv.includes('--non-interactive') &&
    process.env.CI !== 'true';
  const env = { ...process.env };

  // Refuse bad input before touching anything (and before asking anything).
  const inputs = validateSetupInputs(env);
  // The base the build would use, for the plan; runSetup resolves it again the same way when it
  // builds (the engine may change in between: a base made or loaded meanwhile).
  const base =
    !env.OPENCLAW_IMAGE || env.OPENCLAW_IMAGE === 'openclaw:local'
      ? await describeBase(env)
      : undefined;
  if (interactive) {
    process.stdout.write(
      [
        'OpenClaw Docker setup',
        `  config dir     ${inputs.configDir}`,
        `  workspace      ${inputs.workspaceDir}`,
        `  port           ${inputs.publishAddress}:${inputs.gatewayPort}${inputs.publishAddress === '127.0.0.1' ? ' (this computer only)' : ' (reachable from other devices on the network)'}`,
        `  project        ${projectName ?? 'openclaw'}`,
        `  image          ${inputs.image}${inputs.aptPackages.length ? ` (+ ${inputs.aptPackages.join(' ')})` : ''}`,
        ...(base ? [`  base image     ${base.summary}`] : []),
        `  extra mounts   ${inputs.extraMounts.length ? inputs.extraMounts.map((m) => `${m.source} → ${m.target}${m.readOnly ? ' (ro)' : ''}`).join(', ') : 'none'}`,
        `  home volume    ${inputs.homeVolume ? (inputs.homeVolume.kind === 'volume' ? inputs.homeVolume.name : inputs.homeVolume.source) : 'none'}`,
        `  agent sandbox  ${sandboxEnabled(env.OPENCLAW_SANDBOX) ? 'on (sandboxd gets the Docker socket; the gateway does not)' : 'off'}`,
        '',
      ].join('\n'),
    );
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await rl.question('Continue? [Y/n] ')).trim().toLowerCase();
    rl.close();
    if (answer && answer !== 'y' && answer !== 'yes') {
      process.stdout.write('Nothing changed.\n');
      return 1;
    }
  }

  if (!interactive && base) process.stdout.write(`==> Base image: ${base.summary}\n`);
  if (base?.nextStep) process.stdout.write(`    warning: ${base.nextStep}\n`);

  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const result = await runSetup({
    stackDir,
    env,
    bundleDir: path.join(REPO_ROOT, 'dist/gateway'),
    projectName,
    signal: controller.signal,
    onEvent: (event) => {
      const line = describe(event, verbose);
      if (line) process.stdout.write(`${redactText(line)}\n`);
    },
  });

  const shell = terminalShellFor(process.platform);
  const invocation = {
    command: result.composeKind === 'v2' ? ['docker', 'compose'] : ['docker-compose'],
    stackDir,
    files: result.composeFiles,
    projectName: result.projectName,
  };
  // Pasteable from any folder: the stack folder, the detected CLI, its files and project.
  const compose = (...args: string[]) => composeTerminalCommand(invocation, args, shell);
  const cli = (...args: string[]) => compose('run', '--rm', 'openclaw-cli', ...args);
  process.stdout.write(
    [
      '',
      `Gateway running on ${result.dashboardUrl.replace(/#.*$/, '')} (token ${result.tokenSource === 'generated' ? 'generated and saved in .env' : `reused from ${result.tokenSource}`}).`,
      ...(result.nodeBase ? [`Image built on ${result.nodeBase.image}.`] : []),
      ...(result.sandbox.enabled
        ? [
            `Agent sandbox on: ${result.sandbox.image ?? 'sandbox image'} ${result.sandbox.imageRebuilt ? 'built' : 'up to date'}, openclaw-sandboxd added (docker-compose.sandbox.yml); non-main sessions run their tools in sandbox containers.`,
          ]
        : result.sandbox.composeAction === 'removed' || result.sandbox.configChange === 'disabled'
          ? [
              'Agent sandbox off: openclaw-sandboxd removed and agents.defaults.sandbox.mode set to off.',
            ]
          : []),
      ...(result.imagesPruned > 0
        ? [
            `Removed ${result.imagesPruned} older build${result.imagesPruned === 1 ? '' : 's'} of ${result.inputs.image} (the previous one is kept as ${result.inputs.image.replace(/:[^:/]*$/, '')}:previous).`,
          ]
        : []),
      ...(result.lanUrls.length > 0
        ? [
            `Other devices on the network open: ${result.lanUrls.join('  ')}`,
            '  (they need the token, and each new browser must be approved: devices approve <requestId>)',
          ]
        : []),
      '',
      'Control UI (token included — keep it private):',
      `  ${result.dashboardUrl}`,
      '',
      'Next steps:',
      `  health:        ${cli('health')}`,
      `  devices:       ${cli('devices', 'list')}`,
      `  approve:       ${cli('devices', 'approve')} <requestId>`,
      `  model key:     ${cli('onboard', '--auth-choice', 'openai-api-key', '--openai-api-key')} <key>`,
      `  model:         ${cli('models', 'set')} <provider/model>`,
      `  chat:          ${cli('agent', '--message')} "Hello"`,
      `  status:        ${compose('ps')}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** The shared resolver (docker/setup/base-image.ts); an unreachable engine is reported by runSetup. */
async function describeBase(
  env: Readonly<Record<string, string | undefined>>,
): Promise<NodeBaseChoice | undefined> {
  const { createDockerClient } = await import('../engine/index.js');
  try {
    return await resolveNodeBase(createDockerClient({ env: process.env }), env);
  } catch {
    return undefined;
  }
}

const invoked = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = isOpenClawError(err) ? err.message : errorMessage(err);
      process.stderr.write(`docker-setup: ${redactText(message)}\n`);
      process.exitCode = isOpenClawError(err) ? err.exitCode : 1;
    },
  );
}

/**
 * Terminal front end of the sandbox image builds: scripts/sandbox-setup.sh,
 * sandbox-common-setup.sh and sandbox-browser-setup.sh call it with `--image <kind>`. Progress is
 * one line per Dockerfile step; a failure prints the failing step, the last output and what to do.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ErrorCode,
  OpenClawError,
  errorMessage,
  isOpenClawError,
} from '../../gateway/infra/errors.js';
import { createDockerClient, pingEngine } from '../engine/index.js';
import {
  buildSandboxImage,
  SANDBOX_IMAGE_KINDS,
  SANDBOX_IMAGES,
  type SandboxBuildEvent,
  type SandboxImageKind,
} from './sandbox-images.js';

const HELP = `Usage: scripts/sandbox-setup.sh | sandbox-common-setup.sh | sandbox-browser-setup.sh [--force] [--verbose]

Builds an agent sandbox image on the local Docker engine:
  sandbox   ${SANDBOX_IMAGES.sandbox.tag}   bash, git, curl, jq, python3, ripgrep; user sandbox (1000)
  common    ${SANDBOX_IMAGES.common.tag}   + Node 22, Go, Rust, build-essential (builds sandbox first)
  browser   ${SANDBOX_IMAGES.browser.tag}  Chromium with CDP (9222), Xvfb, noVNC (6080)
An image whose recipe and bases did not change is kept; --force rebuilds it.

Environment:
  OPENCLAW_BASE_IMAGE   Debian bookworm base (default debian:bookworm-slim when the engine has it,
                        else the local openclaw-base/debian:bookworm-slim of scripts/make-base-images.sh)
  OPENCLAW_NODE_IMAGE   Node 22 base that common copies node from (same rules as the gateway image)
  OPENCLAW_SANDBOX_BUILD_NETWORK  "host" (default; reaches the apt mirror) or "default"`;

function describe(event: SandboxBuildEvent, verbose: boolean): string | undefined {
  switch (event.kind) {
    case 'build':
      if (event.event.kind === 'step')
        return `    [${event.image} ${event.event.index}/${event.event.total}] ${event.event.label}`;
      if (event.event.kind === 'error') return `    ! ${event.event.text}`;
      return verbose ? `    ${event.event.text}` : undefined;
    case 'warning':
      return `    warning: ${event.text}`;
    case 'log':
      return `==> ${event.text}`;
  }
}

export function parseKind(argv: readonly string[]): SandboxImageKind {
  const i = argv.indexOf('--image');
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (!value || !(SANDBOX_IMAGE_KINDS as readonly string[]).includes(value)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `--image must be one of ${SANDBOX_IMAGE_KINDS.join(', ')}${value ? ` (got ${JSON.stringify(value)})` : ''}.`,
      { exitCode: 2 },
    );
  }
  return value as SandboxImageKind;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const kind = parseKind(argv);
  const verbose = argv.includes('--verbose');
  const network = process.env.OPENCLAW_SANDBOX_BUILD_NETWORK?.trim() || 'host';
  if (network !== 'host' && network !== 'default') {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `OPENCLAW_SANDBOX_BUILD_NETWORK must be "host" or "default" (got ${JSON.stringify(network)}).`,
      { exitCode: 2 },
    );
  }
  const docker = createDockerClient({ env: process.env });
  const ping = await pingEngine(docker);
  if (!ping.ok) throw ping.error;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const result = await buildSandboxImage(docker, {
    kind,
    env: process.env,
    force: argv.includes('--force'),
    networkHost: network === 'host',
    signal: controller.signal,
    onEvent: (event) => {
      const line = describe(event, verbose);
      if (line) process.stdout.write(`${line}\n`);
    },
  });
  const seconds = (result.durationMs / 1000).toFixed(1);
  process.stdout.write(
    [
      result.rebuilt
        ? `Built ${result.tag} in ${seconds} s.`
        : `${result.tag} is already up to date (nothing to build; --force rebuilds it).`,
      ...(kind === 'common'
        ? [
            `Use it for the agents: openclaw config set agents.defaults.sandbox.docker.image ${result.tag}`,
          ]
        : kind === 'browser'
          ? [
              `The browser sandbox is agents.defaults.sandbox.browser (enabled: true; image ${result.tag} is its default).`,
            ]
          : []),
      '',
    ].join('\n'),
  );
  return 0;
}

const invoked = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = isOpenClawError(err) ? err.message : errorMessage(err);
      process.stderr.write(`sandbox image: ${message}\n`);
      process.exitCode = isOpenClawError(err) ? err.exitCode : 1;
    },
  );
}

/**
 * Checks that talk to the outside: the Docker engine, the compose CLI, who holds the gateway
 * port, and the gateway's own `/healthz`.
 */
import net from 'node:net';
import { detectCompose, type StackContainer } from '../../../docker/engine/index.js';
import { errorMessage } from '../../../gateway/infra/errors.js';
import type { CheckOutcome, DiagnosticCheck, DiagnosticFix } from './checks.js';
import { GATEWAY_SERVICE, type PortHolder } from './context.js';
import { logsCommand, upCommand } from './fix-commands.js';

const DOCKER_INSTALL_DOCS = 'https://docs.docker.com/get-started/get-docker/';

function startEngineFix(platform: NodeJS.Platform): DiagnosticFix {
  if (platform === 'darwin')
    return { label: 'Start Docker Desktop', command: 'open -a Docker', action: 'start-engine' };
  if (platform === 'win32')
    return {
      label: 'Start Docker Desktop from the Start menu',
      command: 'Start-Process "Docker Desktop"',
      action: 'start-engine',
    };
  return {
    label: 'Start the Docker service',
    command: 'sudo systemctl start docker',
    docs: 'https://docs.docker.com/engine/install/linux-postinstall/',
    action: 'start-engine',
  };
}

export const engineCheck: DiagnosticCheck = {
  id: 'engine',
  title: 'Docker engine',
  timeoutMs: 8_000,
  async run(ctx, signal) {
    if (!ctx.engine) {
      return {
        status: 'fail',
        detail: 'No Docker engine was found on this computer.',
        fix: { label: 'Install Docker', docs: DOCKER_INSTALL_DOCS },
      };
    }
    const ping = await ctx.engine.ping(signal);
    if (ping.ok) {
      return {
        status: 'ok',
        detail: `Docker ${ping.version} (API ${ping.apiVersion}, ${ping.os}/${ping.arch}) answers.`,
        data: { version: ping.version, apiVersion: ping.apiVersion },
      };
    }
    const error = ping.error;
    if (error.code === 'DOCKER_PERMISSION_DENIED') {
      return {
        status: 'fail',
        detail: error.message,
        fix: {
          label: 'Allow your user to use Docker, then log out and back in',
          command: 'sudo usermod -aG docker $USER',
          docs: 'https://docs.docker.com/engine/install/linux-postinstall/',
        },
      };
    }
    return { status: 'fail', detail: error.message, fix: startEngineFix(ctx.platform) };
  },
};

export const composeCheck: DiagnosticCheck = {
  id: 'compose',
  title: 'Docker Compose',
  timeoutMs: 15_000,
  async run(ctx, signal) {
    try {
      const compose =
        ctx.compose ??
        (await (ctx.detectCompose ? ctx.detectCompose(signal) : detectCompose({ signal })));
      const legacy = compose.kind === 'v1' ? ' (legacy v1: works, but v2 is recommended)' : '';
      return {
        status: 'ok',
        detail: `\`${compose.command.join(' ')}\` ${compose.version}${legacy}.`,
        data: { kind: compose.kind, version: compose.version },
      };
    } catch (err) {
      return {
        status: 'fail',
        detail: errorMessage(err),
        fix: {
          label: 'Install Docker Compose v2',
          command:
            ctx.platform === 'linux' ? 'sudo apt-get install docker-compose-plugin' : undefined,
          docs: 'https://docs.docker.com/compose/install/',
        },
      };
    }
  },
};

/** Whether something accepts connections on 127.0.0.1:port. */
export function portAnswers(
  port: number,
  signal?: AbortSignal,
  timeoutMs = 1_500,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (value: boolean): void => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(value);
    };
    const onAbort = (): void => done(false);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The next port after `from` that nothing answers on (0 when none in range). */
export async function suggestFreePort(from: number, signal?: AbortSignal): Promise<number> {
  for (let port = from + 1; port <= Math.min(from + 100, 65535); port += 1) {
    if (signal?.aborted) return 0;
    if (!(await portAnswers(port, signal, 300))) return port;
  }
  return 0;
}

export const portCheck: DiagnosticCheck = {
  id: 'port',
  title: 'Gateway port',
  async run(ctx, signal): Promise<CheckOutcome> {
    const port = ctx.settings.gatewayPort;
    if (!(await portAnswers(port, signal))) {
      return { status: 'ok', detail: `Port ${port} on 127.0.0.1 is free for the gateway.` };
    }
    let holders: PortHolder[] = [];
    if (ctx.engine) holders = await ctx.engine.containersPublishing(port, signal).catch(() => []);
    const ours = holders.find(
      (h) => h.project === ctx.projectName && h.service === GATEWAY_SERVICE,
    );
    if (ours) {
      return {
        status: 'ok',
        detail: `Port ${port} is held by this app's gateway (container ${ours.name}).`,
      };
    }
    const suggestion = await suggestFreePort(port, signal);
    const other = holders[0];
    const who = other
      ? `container ${other.name}${other.project ? ` (compose project "${other.project}")` : ''}`
      : 'another program';
    return {
      status: 'fail',
      detail: `Another program holds port ${port}: ${who} answers on 127.0.0.1:${port}, so the gateway cannot publish its port there. Choose another port${suggestion ? ` (${suggestion} is free)` : ''}${other ? ' or stop that container' : ''}.`,
      fix: {
        label: suggestion ? `Use port ${suggestion} instead` : 'Choose another port in Settings',
        action: 'choose-port',
      },
      data: { port, suggestion, holder: other?.name },
    };
  },
};

function gatewayOf(containers: readonly StackContainer[]): StackContainer | undefined {
  return containers.find((c) => c.service === GATEWAY_SERVICE && !c.oneOff);
}

export const healthCheck: DiagnosticCheck = {
  id: 'gateway-health',
  title: 'Gateway health',
  timeoutMs: 8_000,
  async run(ctx, signal) {
    const port = ctx.settings.gatewayPort;
    let gateway: StackContainer | undefined;
    let engineKnows = false;
    if (ctx.engine) {
      try {
        gateway = gatewayOf(await ctx.engine.stackContainers(signal));
        engineKnows = true;
      } catch {
        // engine down: the engine check says so; still try the port
      }
    }
    if (engineKnows && !gateway) {
      return {
        status: 'skip',
        detail: 'There is no gateway container yet (run the setup first).',
        fix: { label: 'Run the setup', action: 'run-setup' },
      };
    }
    if (gateway && gateway.state !== 'running') {
      return {
        status: 'skip',
        detail: `The gateway is ${gateway.state}; start it to check its health.`,
        fix: { label: 'Start the gateway', command: upCommand(ctx), action: 'start-gateway' },
      };
    }
    const url = `http://127.0.0.1:${port}/healthz`;
    const started = performance.now();
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(4_000)]),
      });
      await response.body?.cancel().catch(() => {});
      const ms = Math.round(performance.now() - started);
      const container = gateway ? ` Container health: ${gateway.health}.` : '';
      if (response.ok)
        return {
          status: 'ok',
          detail: `${url} answered ${response.status} in ${ms} ms.${container}`,
        };
      return {
        status: 'fail',
        detail: `${url} answered ${response.status}.${container} See the gateway's log.`,
        fix: { label: 'Show the gateway log', command: logsCommand(ctx) },
      };
    } catch (err) {
      const running = gateway?.state === 'running';
      return {
        status: running ? 'fail' : 'warn',
        detail: running
          ? `The gateway container is running but ${url} does not answer (${errorMessage(err)}). It may still be starting, or another port is published.`
          : `${url} does not answer (${errorMessage(err)}); the gateway is probably not running.`,
        fix: running
          ? { label: 'Show the gateway log', command: logsCommand(ctx) }
          : { label: 'Start the gateway', command: upCommand(ctx), action: 'start-gateway' },
      };
    }
  },
};

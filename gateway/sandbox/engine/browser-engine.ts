/**
 * Browser sandbox containers: Chromium with CDP (and, headful, a virtual display behind noVNC) from
 * the configured browser image, on a dedicated bridge network. The same hardening as the other
 * sandbox containers (labels, configured images only, no host network, capabilities dropped, no new
 * privileges, read-only root, an init process) with one deliberate difference: Chromium runs with
 * its own sandbox off (OPENCLAW_BROWSER_NO_SANDBOX=1), because that sandbox needs user namespaces,
 * which Docker's default seccomp profile denies to an unprivileged container. Widening seccomp
 * would weaken the container wall for every process in it; the container is the boundary instead.
 *
 * Reaching CDP: the process that asked (the gateway's container, found by the address its request
 * came from, or this process's own container) joins the browser network, and CDP answers only that
 * address (`cdpSourceRange`). A gateway on the host instead gets CDP published on loopback. noVNC
 * is published on loopback for the person watching; each link carries a token the container's
 * websockify accepts for one connection only (and the VNC password).
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { silentLogger, type Logger } from '../../infra/logger.js';
import {
  SANDBOX_BROWSER_LABELS,
  SANDBOX_LABELS,
  type SandboxBrowserApi,
  type SandboxBrowserInfo,
  type SandboxBrowserPlan,
  type SandboxNoVncLink,
} from '../contract.js';
import { engineError, statusOf } from './engine-errors.js';
import { runExec } from './exec-runner.js';
import { SandboxRegistry } from './registry.js';

export interface SandboxBrowserEngineOptions {
  docker: Dockerode;
  /** The configured browser images; plans naming any other image are refused. */
  images: readonly string[];
  logger?: Logger;
  /** This process's own container (id or name) when it runs in one and drives the browser itself. */
  selfContainer?: string;
  /** Host address published ports bind to (default 127.0.0.1: never the LAN). */
  publishHost?: string;
  /**
   * The gateway state folder: each ensure records the container's use in the sandbox registry,
   * so `sandbox list` shows its idle time and prune removes it when idle (default: not recorded).
   */
  stateDir?: string;
}

const NOVNC_PORT_LABEL = 'openclaw.browser.noVncPort';
const MODE_LABEL = 'openclaw.browser.reach';
type Inspect = Dockerode.ContainerInspectInfo;

function refuse(message: string, rule: string): never {
  throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `Sandbox refused: ${message}`, {
    details: { rule },
  });
}

export function checkBrowserPlan(plan: SandboxBrowserPlan, images: readonly string[]): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(plan.containerName))
    refuse(`container name "${plan.containerName}" is not a valid Docker name.`, 'container-name');
  if (!images.includes(plan.image))
    refuse(
      `browser image "${plan.image}" is not a configured sandbox browser image (allowed: ${images.join(', ') || 'none'}). Set agents.*.sandbox.browser.image to one of them.`,
      'image-not-allowed',
    );
  const network = plan.network.trim().toLowerCase();
  if (network === 'host' || network === 'none' || network.startsWith('container:'))
    refuse(
      `browser network "${plan.network}" is not allowed: the browser needs its own bridge network (the default "openclaw-sandbox-browser") so the gateway can reach CDP without the host's network.`,
      'network-shared',
    );
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(plan.network))
    refuse(`browser network "${plan.network}" is not a valid Docker network name.`, 'network-name');
  for (const [key, port] of [
    ['cdpPort', plan.cdpPort],
    ['noVncPort', plan.noVncPort],
  ] as const)
    if (!Number.isInteger(port) || port < 1 || port > 65534)
      refuse(`browser ${key} ${port} is not a port number (1-65534).`, 'port-invalid');
  if (plan.cdpSourceRange !== undefined && !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(plan.cdpSourceRange))
    refuse(
      `cdpSourceRange "${plan.cdpSourceRange}" is not a CIDR such as 172.21.0.5/32.`,
      'cidr-invalid',
    );
}

function portOf(info: Inspect, port: number): string | undefined {
  return info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0]?.HostPort;
}

export class SandboxBrowserEngine implements SandboxBrowserApi {
  private readonly docker: Dockerode;
  private readonly logger: Logger;
  private readonly publishHost: string;
  private readonly ensuring = new Map<string, Promise<SandboxBrowserInfo>>();
  private readonly registry: SandboxRegistry | undefined;

  constructor(private readonly options: SandboxBrowserEngineOptions) {
    this.docker = options.docker;
    this.logger = options.logger ?? silentLogger;
    this.publishHost = options.publishHost ?? '127.0.0.1';
    this.registry = options.stateDir ? new SandboxRegistry(options.stateDir) : undefined;
  }

  ensureBrowser(
    plan: SandboxBrowserPlan,
    caller?: { address?: string },
  ): Promise<SandboxBrowserInfo> {
    const previous = this.ensuring.get(plan.containerName) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.ensureNow(plan, caller));
    this.ensuring.set(plan.containerName, run);
    return run.finally(() => {
      if (this.ensuring.get(plan.containerName) === run) this.ensuring.delete(plan.containerName);
    });
  }

  private async ensureNow(
    plan: SandboxBrowserPlan,
    caller?: { address?: string },
  ): Promise<SandboxBrowserInfo> {
    checkBrowserPlan(plan, this.options.images);
    await this.ensureNetwork(plan.network);
    const peer = await this.findPeer(caller?.address);
    const peerIp = peer ? await this.join(peer, plan.network) : undefined;
    const reach = peerIp ? 'network' : 'publish';
    const range = plan.cdpSourceRange ?? (peerIp ? `${peerIp}/32` : undefined);
    // The label records what was really applied: a different peer address means a new container.
    const hash = `${plan.configHash}:${reach}:${range ?? ''}`;
    let current = await this.inspect(plan.containerName);
    if (current && current.Config.Labels?.[SANDBOX_LABELS.configHash] !== hash) {
      this.logger.info('Browser sandbox config changed; recreating it', {
        container: plan.containerName,
      });
      await this.removeId(current.Id);
      current = undefined;
    }
    let created = false;
    if (!current) {
      current = await this.create(plan, hash, reach, range);
      created = true;
    } else if (!current.State.Running) {
      await this.docker
        .getContainer(current.Id)
        .start()
        .catch((err: unknown) => {
          if (statusOf(err) !== 304) throw engineError(err, 'Starting the browser sandbox');
        });
      current = await this.docker.getContainer(current.Id).inspect();
    }
    if (created || !(await this.ready(current, plan.cdpPort, 1)))
      await this.waitReady(current, plan);
    const now = Date.now();
    await this.registry?.upsert(
      {
        containerName: plan.containerName,
        sessionKey: plan.scopeKey,
        agentId: plan.agentId,
        createdAtMs: Number(current.Config.Labels?.[SANDBOX_LABELS.createdAtMs]) || now,
        lastUsedAtMs: now,
        image: plan.image,
        configHash: hash,
      },
      created,
    );
    const cdpUrl =
      reach === 'network'
        ? `http://${current.NetworkSettings.Networks?.[plan.network]?.IPAddress}:${plan.cdpPort}`
        : `http://${this.publishHost}:${portOf(current, plan.cdpPort)}`;
    return {
      containerName: plan.containerName,
      cdpUrl,
      headless: plan.headless,
      noVnc: !plan.headless && plan.noVnc,
      created,
    };
  }

  private async ensureNetwork(name: string): Promise<void> {
    if (name === 'bridge') return;
    try {
      await this.docker.getNetwork(name).inspect();
      return;
    } catch (err) {
      if (statusOf(err) !== 404) throw engineError(err, `Inspecting network ${name}`);
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { [SANDBOX_LABELS.sandbox]: '1' },
      });
      this.logger.info('Browser sandbox network created', { network: name });
    } catch (err) {
      // Created by a concurrent ensure: fine.
      if (statusOf(err) !== 409) throw engineError(err, `Creating network ${name}`);
    }
  }

  /** The container that sent the request (by its address on a network we share), or ourselves. */
  private async findPeer(address: string | undefined): Promise<string | undefined> {
    const ip = address?.replace(/^::ffff:/, '');
    if (ip && ip !== '127.0.0.1' && ip !== '::1') {
      const containers = await this.docker.listContainers().catch((err: unknown) => {
        throw engineError(err, 'Listing containers');
      });
      const match = containers.find((c) =>
        Object.values(c.NetworkSettings?.Networks ?? {}).some((n) => n.IPAddress === ip),
      );
      if (match) return match.Id;
    }
    return this.options.selfContainer;
  }

  private async join(container: string, network: string): Promise<string | undefined> {
    const addressOn = async () =>
      (await this.docker.getContainer(container).inspect()).NetworkSettings.Networks?.[network]
        ?.IPAddress || undefined;
    const known = await addressOn().catch(() => undefined);
    if (known) return known;
    try {
      await this.docker.getNetwork(network).connect({ Container: container });
    } catch (err) {
      const status = statusOf(err);
      if (status !== 403 && status !== 409)
        throw engineError(err, `Connecting the gateway to network ${network}`);
    }
    return addressOn();
  }

  private async create(
    plan: SandboxBrowserPlan,
    hash: string,
    reach: 'network' | 'publish',
    range: string | undefined,
  ): Promise<Inspect> {
    try {
      await this.docker.getImage(plan.image).inspect();
    } catch (err) {
      if (statusOf(err) === 404)
        throw new OpenClawError(
          ErrorCode.IMAGE_NOT_FOUND,
          `Browser sandbox image not found: ${plan.image}. Build it with scripts/sandbox-browser-setup.sh.`,
          { details: { image: plan.image } },
        );
      throw engineError(err, `Checking the browser image ${plan.image}`);
    }
    const noVnc = !plan.headless && plan.noVnc;
    const cdp = `${plan.cdpPort}/tcp`;
    const vnc = `${plan.noVncPort}/tcp`;
    const loopback = [{ HostIp: this.publishHost, HostPort: '' }];
    const ports: Record<string, typeof loopback> = {};
    if (reach === 'publish') ports[cdp] = loopback;
    if (noVnc) ports[vnc] = loopback;
    const env = [
      `OPENCLAW_BROWSER_HEADLESS=${plan.headless ? 1 : 0}`,
      'OPENCLAW_BROWSER_NO_SANDBOX=1',
      `OPENCLAW_BROWSER_CDP_PORT=${plan.cdpPort}`,
      `OPENCLAW_BROWSER_NOVNC_PORT=${plan.noVncPort}`,
    ];
    if (range) env.push(`OPENCLAW_BROWSER_CDP_SOURCE_RANGE=${range}`);
    const options: Dockerode.ContainerCreateOptions = {
      name: plan.containerName,
      Image: plan.image,
      Env: env,
      ExposedPorts: { [cdp]: {}, [vnc]: {} },
      Labels: {
        [SANDBOX_LABELS.sandbox]: '1',
        [SANDBOX_BROWSER_LABELS.browser]: '1',
        [SANDBOX_LABELS.scopeKey]: plan.scopeKey,
        [SANDBOX_LABELS.agentId]: plan.agentId,
        [SANDBOX_LABELS.createdAtMs]: String(Date.now()),
        [SANDBOX_LABELS.configHash]: hash,
        [NOVNC_PORT_LABEL]: noVnc ? String(plan.noVncPort) : '',
        [MODE_LABEL]: reach,
      },
      HostConfig: {
        NetworkMode: plan.network,
        PortBindings: ports,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        ReadonlyRootfs: true,
        // Chromium, Xvfb and VNC write only here; the profile is thrown away with the container.
        Tmpfs: {
          '/tmp': '',
          '/var/tmp': '',
          '/run': '',
          '/home/sandbox': 'uid=1000,gid=1000,mode=0700',
        },
        ShmSize: 256 * 1024 * 1024,
        PidsLimit: 1024,
      },
    };
    try {
      const container = await this.docker.createContainer(options);
      await container.start();
      this.logger.info('Browser sandbox container created', {
        container: plan.containerName,
        network: plan.network,
        reach,
      });
      return await container.inspect();
    } catch (err) {
      throw engineError(err, `Creating browser sandbox ${plan.containerName}`);
    }
  }

  /** Chromium answers on its loopback port and the CDP relay runs. */
  private async ready(info: Inspect, cdpPort: number, tries: number): Promise<boolean> {
    const internal = cdpPort === 65535 ? 65534 : cdpPort + 1;
    const result = await runExec(
      { docker: this.docker, containerId: info.Id },
      {
        containerName: info.Name.replace(/^\//, ''),
        command: `i=0; while [ $i -lt ${tries} ]; do curl -fsS -o /dev/null http://127.0.0.1:${internal}/json/version && pgrep -x socat >/dev/null && exit 0; i=$((i+1)); sleep 0.2; done; exit 1`,
        timeoutMs: tries * 1_000 + 5_000,
        maxOutputBytes: 2_000,
      },
    ).catch(() => undefined);
    return result?.exitCode === 0;
  }

  private async waitReady(info: Inspect, plan: SandboxBrowserPlan): Promise<void> {
    const tries = Math.max(1, Math.ceil(plan.startTimeoutMs / 200));
    if (await this.ready(info, plan.cdpPort, tries)) return;
    const now = await this.docker
      .getContainer(info.Id)
      .inspect()
      .catch(() => info);
    const logs = await this.docker
      .getContainer(info.Id)
      .logs({ stdout: true, stderr: true, tail: 20 })
      .then((b) => b.toString('utf8').replace(/[^\t\n\r -~]/g, ''))
      .catch(() => '');
    throw new OpenClawError(
      ErrorCode.HEALTH_TIMEOUT,
      `The browser sandbox ${plan.containerName} ${now.State.Running ? `did not open CDP within ${plan.startTimeoutMs} ms` : `stopped (exit ${now.State.ExitCode})`}. Last output: ${logs.trim().slice(-600) || '(none)'}. Raise agents.*.sandbox.browser.autoStartTimeoutMs on a slow machine, or recreate it: openclaw sandbox recreate --all --browser.`,
    );
  }

  private async inspect(name: string): Promise<Inspect | undefined> {
    let info: Inspect;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw engineError(err, `Inspecting browser sandbox ${name}`);
    }
    const labels = info.Config.Labels ?? {};
    if (labels[SANDBOX_LABELS.sandbox] !== '1' || labels[SANDBOX_BROWSER_LABELS.browser] !== '1')
      refuse(
        `container "${name}" is not a browser sandbox created by OpenClaw (labels ${SANDBOX_LABELS.sandbox} and ${SANDBOX_BROWSER_LABELS.browser} missing), so it is left alone. Rename or remove it yourself.`,
        'container-not-sandbox',
      );
    return info;
  }

  private async removeId(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (err) {
      if (statusOf(err) !== 404) throw engineError(err, 'Removing the browser sandbox');
    }
  }

  async noVncLink(containerName: string): Promise<SandboxNoVncLink> {
    const info = await this.inspect(containerName);
    const port = Number(info?.Config.Labels?.[NOVNC_PORT_LABEL]);
    const hostPort = info && port ? portOf(info, port) : undefined;
    if (!info || !info.State.Running || !hostPort)
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `No noVNC viewer for ${containerName}: ${!info ? 'the container does not exist' : !info.State.Running ? 'it is not running' : 'it runs headless or with noVncEnabled false'}.`,
      );
    const result = await runExec(
      { docker: this.docker, containerId: info.Id },
      { containerName, command: 'openclaw-novnc-link', timeoutMs: 10_000, maxOutputBytes: 1_000 },
    );
    const [token, password] = result.stdout.trim().split(/\s+/);
    if (result.exitCode !== 0 || !token || !/^[A-Za-z0-9]{32}$/.test(token) || !password)
      throw new OpenClawError(
        ErrorCode.REQUEST_FAILED,
        `Could not make a noVNC link in ${containerName} (exit ${result.exitCode}); rebuild the browser image with scripts/sandbox-browser-setup.sh and recreate it (openclaw sandbox recreate --all --browser).`,
      );
    // The token opens one viewer connection; the password rides in the fragment, which browsers
    // never send to a server.
    const path = encodeURIComponent(`websockify?token=${token}`);
    return {
      url: `http://${this.publishHost}:${hostPort}/vnc.html?autoconnect=1&resize=scale&path=${path}#password=${encodeURIComponent(password)}`,
    };
  }
}

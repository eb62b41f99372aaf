/** Canned data for the fake host (renderer/testing/fake-host.ts). */
import type { DiagnosticResult, GatewayStatus, LogLine } from '../../electron/contract/host-api.js';

export type Scenario = 'fresh' | 'running' | 'failing';

export const HOUR = 3_600_000;

export const SCOPES = {
  read: {
    scope: 'operator.read',
    label: 'Read status and history',
    description: 'See sessions, logs, config and who is connected',
  },
  write: {
    scope: 'operator.write',
    label: 'Chat and run agents',
    description: 'Send messages and start agent runs',
  },
  admin: {
    scope: 'operator.admin',
    label: 'Administer the gateway',
    description: 'Change the config and manage devices',
  },
  approvals: {
    scope: 'operator.approvals',
    label: 'Answer tool approvals',
    description: 'Allow or deny commands the agent wants to run',
  },
  pairing: {
    scope: 'operator.pairing',
    label: 'Approve new devices',
    description: 'Let other devices pair with this gateway',
  },
};

export function baseStatus(phase: GatewayStatus['phase']): GatewayStatus {
  const running = phase === 'running' || phase === 'pairing-pending';
  return {
    phase,
    summary:
      phase === 'not-set-up'
        ? 'Gateway is not set up — run setup to create it'
        : phase === 'pairing-pending'
          ? 'Gateway: running · 1 device waiting for approval'
          : 'Gateway: running',
    canStart: !running && phase !== 'not-set-up',
    canStop: running,
    canRestart: running,
    canRebuild: running,
    ...(running ? { uptimeMs: 3 * HOUR + 17 * 60_000 } : {}),
    pendingApprovals: phase === 'pairing-pending' ? 1 : 0,
    port: 18789,
    operator: running ? 'connected' : 'disconnected',
  };
}

export function logLines(): LogLine[] {
  const start = Date.parse('2026-03-14T09:12:00.000Z');
  const rows: Array<[string, string]> = [
    [
      'openclaw-gateway',
      '{"level":"info","time":"…","msg":"gateway listening","port":18789,"bind":"lan"}',
    ],
    ['openclaw-gateway', '{"level":"info","msg":"control ui served from /app/control-ui"}'],
    [
      'openclaw-gateway',
      '{"level":"info","msg":"operator connected","subsystem":"gateway/ws","client":"openclaw-desktop","role":"operator"}',
    ],
    [
      'openclaw-gateway',
      '{"level":"warn","msg":"pairing required","requestId":"7c1e9b2a","client":"openclaw-control-ui","remote":"172.17.0.1"}',
    ],
    [
      'openclaw-gateway',
      '{"level":"info","msg":"session started","session":"main","agent":"default"}',
    ],
    ['openclaw-cli (run)', 'Approved device 7c1e9b2a (operator)'],
    ['openclaw-gateway', '{"level":"debug","msg":"heartbeat","clients":3}'],
    [
      'openclaw-gateway',
      '{"level":"error","msg":"tool exec failed","tool":"shell","error":"command not found: rg"}',
    ],
    ['openclaw-sbx-main', '+ apt list --installed | grep ripgrep'],
    [
      'openclaw-gateway',
      '{"level":"info","msg":"agent run finished","durationMs":4120,"tokens":1833}',
    ],
  ];
  const out: LogLine[] = [];
  for (let i = 0; i < 60; i++) {
    const [source, text] = rows[i % rows.length]!;
    out.push({
      source,
      stream: text.includes('"error"') ? 'stderr' : 'stdout',
      ts: new Date(start + i * 1730).toISOString(),
      text,
    });
    if (i === 29) {
      // A settings change recreated the gateway halfway: the host keeps the earlier lines.
      const at = new Date(start + i * 1730 + 800);
      out.push({
        source: 'openclaw-gateway',
        stream: 'marker',
        marker: true,
        ts: at.toISOString(),
        text: `Container recreated at ${at
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' UTC')}: the lines above come from the previous container.`,
      });
    }
  }
  return out;
}

export function diagnostics(scenario: Scenario, setUp: boolean): DiagnosticResult[] {
  return [
    {
      id: 'engine',
      title: 'Docker engine',
      status: 'ok',
      detail: 'Docker 27.3.1 is running (linux/amd64, 8 CPUs, 15.6 GB memory).',
    },
    { id: 'compose', title: 'Docker Compose', status: 'ok', detail: 'docker compose v2.29.7' },
    {
      id: 'port',
      title: 'Gateway port',
      status: scenario === 'failing' ? 'warn' : 'ok',
      detail:
        scenario === 'failing'
          ? 'Port 18789 is used by another program (node, pid 4121).'
          : 'Port 18789 is free on 127.0.0.1.',
      ...(scenario === 'failing'
        ? {
            fix: {
              label: 'Stop that program, or choose another port in the setup.',
              command: 'lsof -iTCP:18789 -sTCP:LISTEN',
            },
          }
        : {}),
    },
    {
      id: 'disk-space',
      title: 'Disk space',
      status: 'ok',
      detail: '48.2 GB free for images and volumes.',
    },
    setUp
      ? {
          id: 'gateway-health',
          title: 'Gateway health',
          status: 'ok',
          detail: '/readyz answered in 12 ms.',
        }
      : {
          id: 'gateway-health',
          title: 'Gateway health',
          status: 'skip',
          detail: 'The gateway is not set up yet.',
        },
    setUp
      ? {
          id: 'config-permissions',
          title: 'Config folder permissions',
          status: 'fail',
          detail:
            '/home/me/.openclaw/devices is owned by root; the container user (uid 1000) cannot write paired devices.',
          fix: {
            label: 'Give the folder back to uid 1000.',
            command: 'sudo chown -R 1000:1000 /home/me/.openclaw',
            docs: 'https://docs.openclaw.ai/install/docker#permissions',
          },
        }
      : {
          id: 'config-permissions',
          title: 'Config folder permissions',
          status: 'skip',
          detail: 'Checked after setup.',
        },
  ];
}

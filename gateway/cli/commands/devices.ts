/**
 * `openclaw devices …`: pairing from a terminal. Talks to the gateway (`device.pair.*`); when the
 * local gateway cannot be reached (stopped, or the CLI itself is not paired yet), it edits the
 * shared pairing files directly under the same lock the gateway uses — so an approval never dead-ends.
 */
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import {
  describeScope,
  PairingStore,
  toClientView,
  toPendingView,
} from '../../pairing/pairing-store.js';
import type { PairedDeviceView, PendingPairingRequest } from '../../pairing/pairing-store.js';
import { createOutput, parseCommandArgs, parseDurationMs, type Output } from '../args.js';
import {
  GatewayConnectError,
  REMOTE_OPTIONS,
  resolveTarget,
  connectGateway,
  type GatewaySession,
} from '../remote.js';

const USAGE = `openclaw devices <command>
  list [--json]                       pending requests and paired devices
  approve <requestId> | --latest [--scope s …]   approve a pending request (only these scopes)
  reject <requestId>                  reject a pending request
  remove <deviceId>                   forget a paired device
  rotate --device <id> --role <role> [--scope s …]   issue a new device token
  revoke --device <id> --role <role>  revoke a device token
  clear --yes [--pending]             remove all paired devices (or only pending requests)
common: --url ws://… --token T --password P --timeout ms --json`;

type Backend =
  { kind: 'rpc'; session: GatewaySession } | { kind: 'files'; store: PairingStore; reason: string };

async function openBackend(
  paths: StatePaths,
  env: Env,
  values: Record<string, unknown>,
): Promise<Backend> {
  const target = await resolveTarget(paths, env, {
    url: values.url as string | undefined,
    token: values.token as string | undefined,
    password: values.password as string | undefined,
  });
  try {
    const session = await connectGateway(
      paths,
      target,
      parseDurationMs(values.timeout as string | undefined, '--timeout', 10_000),
    );
    return { kind: 'rpc', session };
  } catch (err) {
    // A remote gateway (--url) has its own files; only a local one shares ours.
    if (target.explicitUrl || !(err instanceof GatewayConnectError)) throw err;
    const reason = err.pairingRequired
      ? 'this CLI is not paired with the gateway yet'
      : 'the gateway is not reachable';
    return { kind: 'files', store: new PairingStore(paths), reason };
  }
}

async function closeBackend(backend: Backend): Promise<void> {
  if (backend.kind === 'rpc') await backend.session.close();
}

function note(out: Output, backend: Backend): void {
  if (backend.kind === 'files' && !out.json)
    out.print(`(${backend.reason}: using the pairing files in the state dir directly)`);
}

async function listAll(
  backend: Backend,
): Promise<{ pending: PendingPairingRequest[]; paired: PairedDeviceView[] }> {
  if (backend.kind === 'rpc') return backend.session.request('device.pair.list', {});
  return {
    pending: (await backend.store.listPending()).map(toPendingView),
    paired: (await backend.store.listPaired()).map(toClientView),
  };
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 90 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}

function formatList(data: {
  pending: PendingPairingRequest[];
  paired: PairedDeviceView[];
}): string {
  const lines: string[] = [];
  lines.push(`Pending (${data.pending.length})`);
  for (const p of data.pending) {
    const who = [p.displayName ?? p.clientId ?? 'unknown client', p.platform, p.remoteIp]
      .filter(Boolean)
      .join(' · ');
    lines.push(
      `  ${p.requestId}  ${who}  role ${p.role ?? 'operator'}${p.isRepair ? ' (repair)' : ''}  ${age(Date.now() - p.ts)}`,
    );
    const scopes = p.scopes ?? [];
    if (scopes.length) lines.push(`      wants: ${scopes.map(describeScope).join('; ')}`);
  }
  if (data.pending.length) lines.push(`  approve with: openclaw devices approve <requestId>`);
  lines.push(`Paired (${data.paired.length})`);
  for (const d of data.paired) {
    const who = [d.displayName ?? d.clientId ?? 'unknown client', d.platform]
      .filter(Boolean)
      .join(' · ');
    const roles = (d.tokens ?? [])
      .map((t) => `${t.role}${t.revokedAtMs ? ' (revoked)' : ''}`)
      .join(', ');
    lines.push(`  ${d.deviceId.slice(0, 16)}…  ${who}  ${roles || 'no tokens'}`);
  }
  return lines.join('\n');
}

export async function devices(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseCommandArgs(
    rest,
    {
      ...REMOTE_OPTIONS,
      latest: { type: 'boolean' },
      device: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string', multiple: true },
      yes: { type: 'boolean' },
      pending: { type: 'boolean' },
    },
    USAGE,
  );
  const out = createOutput(values.json === true);
  if (!sub || !['list', 'approve', 'reject', 'remove', 'rotate', 'revoke', 'clear'].includes(sub)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `unknown devices command "${sub ?? ''}"\n${USAGE}`,
      { exitCode: 2 },
    );
  }

  // Validate arguments before touching the gateway.
  const requestIdArg = positionals[0];
  if (sub === 'approve' && !requestIdArg && !values.latest) {
    const backend = await openBackend(paths, env, values);
    try {
      const { pending } = await listAll(backend);
      out.result({ ok: false, pending }, () =>
        pending.length === 0
          ? 'No pending requests.'
          : `Which request? Pass its id (or --latest for the newest):\n${formatList({ pending, paired: [] })}`,
      );
      return 1;
    } finally {
      await closeBackend(backend);
    }
  }
  if ((sub === 'reject' || sub === 'remove') && !requestIdArg) {
    throw new OpenClawError(ErrorCode.INVALID_ARGUMENT, `devices ${sub} needs an id\n${USAGE}`, {
      exitCode: 2,
    });
  }
  if ((sub === 'rotate' || sub === 'revoke') && (!values.device || !values.role)) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `devices ${sub} needs --device <id> and --role <role>\n${USAGE}`,
      { exitCode: 2 },
    );
  }
  if (sub === 'clear' && !values.yes) {
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      'devices clear removes devices for good; pass --yes to confirm',
      { exitCode: 2 },
    );
  }

  const backend = await openBackend(paths, env, values);
  try {
    note(out, backend);
    switch (sub) {
      case 'list': {
        const data = await listAll(backend);
        out.result(data, () => formatList(data));
        return 0;
      }
      case 'approve': {
        let requestId = requestIdArg;
        if (!requestId) {
          const { pending } = await listAll(backend);
          const newest = [...pending].sort((a, b) => b.ts - a.ts)[0];
          if (!newest) {
            out.result({ ok: false, pending: [] }, () => 'No pending requests.');
            return 1;
          }
          requestId = newest.requestId;
        }
        // --scope grants fewer scopes than requested (never more: the gateway refuses that).
        const scopes = values.scope as string[] | undefined;
        const result =
          backend.kind === 'rpc'
            ? await backend.session.request<{ requestId: string; device: PairedDeviceView }>(
                'device.pair.approve',
                { requestId, ...(scopes ? { scopes } : {}) },
              )
            : await backend.store
                .approve(requestId, { approvedVia: 'cli', ...(scopes ? { scopes } : {}) })
                .then((r) => ({ requestId, device: r.device }));
        out.result(
          result,
          () =>
            `Approved ${result.device.displayName ?? result.device.clientId ?? 'device'} (${result.device.deviceId.slice(0, 16)}…). It can reconnect now.`,
        );
        return 0;
      }
      case 'reject': {
        const result =
          backend.kind === 'rpc'
            ? await backend.session.request('device.pair.reject', { requestId: requestIdArg })
            : await backend.store.reject(requestIdArg!);
        out.result(result, () => `Rejected request ${requestIdArg}.`);
        return 0;
      }
      case 'remove': {
        const result =
          backend.kind === 'rpc'
            ? await backend.session.request('device.pair.remove', { deviceId: requestIdArg })
            : await backend.store.remove(requestIdArg!);
        out.result(result, () => `Removed device ${requestIdArg}.`);
        return 0;
      }
      case 'rotate': {
        const params = {
          deviceId: values.device!,
          role: values.role!,
          ...(values.scope ? { scopes: values.scope } : {}),
        };
        const result =
          backend.kind === 'rpc'
            ? await backend.session.request<Record<string, unknown>>('device.token.rotate', params)
            : {
                deviceId: params.deviceId,
                ...(await backend.store.rotateToken(params.deviceId, params.role, params.scopes)),
              };
        out.result(
          result,
          () => `New ${params.role} token for ${params.deviceId}:\n${String(result.token)}`,
        );
        return 0;
      }
      case 'revoke': {
        const result =
          backend.kind === 'rpc'
            ? await backend.session.request('device.token.revoke', {
                deviceId: values.device,
                role: values.role,
              })
            : await backend.store.revokeToken(values.device!, values.role!);
        out.result(result, () => `Revoked the ${values.role} token of ${values.device}.`);
        return 0;
      }
      case 'clear': {
        const store = backend.kind === 'files' ? backend.store : new PairingStore(paths);
        const result = await store.clear({ pending: values.pending === true });
        out.result(result, () =>
          values.pending
            ? 'Cleared pending requests.'
            : 'Cleared paired devices and pending requests.',
        );
        return 0;
      }
    }
    return 2;
  } finally {
    await closeBackend(backend);
  }
}

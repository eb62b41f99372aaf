/**
 * Runs the gateway refresh decision once at start: records the request before rebuilding (so a
 * crash or a failed build is not retried at every start), rebuilds through the caller's upgrade
 * (which restores the previous image when the new one does not come up), and tells the user what
 * happened in each case.
 */
import { errorMessage } from '../../../gateway/infra/errors.js';
import { gatewayRefreshDecision, type GatewayRefreshDecision } from './gateway-refresh.js';
import { patchUpdateRecord, readUpdateRecord } from './update-record.js';

export interface GatewayRefreshDeps {
  dataDir: string;
  appVersion: string;
  explicitImage: boolean;
  isSetUp(): Promise<boolean>;
  bundleStamp(): Promise<string>;
  /** The bundle label of the current gateway image, undefined without an image. */
  imageStamp(): Promise<string | undefined>;
  /** The rebuild with rollback (the same path as Settings → Rebuild). */
  rebuild(): Promise<void>;
  notify(kind: 'info' | 'warning' | 'error', title: string, body: string): void;
  now(): number;
}

export type GatewayRefreshOutcome =
  | (GatewayRefreshDecision & { action: 'none' | 'remind' })
  | { action: 'rebuild'; stamp: string; ok: boolean };

export async function refreshGatewayAfterUpdate(
  deps: GatewayRefreshDeps,
): Promise<GatewayRefreshOutcome> {
  const setUp = await deps.isSetUp();
  const decision = gatewayRefreshDecision({
    setUp,
    explicitImage: deps.explicitImage,
    bundleStamp: setUp ? await deps.bundleStamp() : '',
    imageStamp: setUp ? await deps.imageStamp() : undefined,
    record: await readUpdateRecord(deps.dataDir),
  });
  if (decision.action === 'none') return decision;
  if (decision.action === 'remind') {
    deps.notify('warning', 'The gateway image is out of date', decision.message);
    return decision;
  }
  await patchUpdateRecord(deps.dataDir, (r) => ({
    ...r,
    gatewayRebuild: { stamp: decision.stamp, requestedAt: deps.now(), appVersion: deps.appVersion },
  }));
  deps.notify(
    'info',
    'Updating the gateway',
    `OpenClaw Desktop ${deps.appVersion} carries a new gateway, so its image is being rebuilt. The current gateway keeps its settings and data.`,
  );
  try {
    await deps.rebuild();
  } catch (err) {
    deps.notify(
      'error',
      'The gateway image could not be updated',
      `${errorMessage(err)} Try again with Rebuild on the Dashboard.`,
    );
    return { action: 'rebuild', stamp: decision.stamp, ok: false };
  }
  deps.notify(
    'info',
    'The gateway was updated',
    `The gateway image now carries the gateway of OpenClaw Desktop ${deps.appVersion}.`,
  );
  return { action: 'rebuild', stamp: decision.stamp, ok: true };
}

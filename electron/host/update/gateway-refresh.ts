/**
 * After the app was updated, the gateway image may be older than the gateway bundle the app now
 * carries. The image records the bundle it was built from (its bundle label, a content hash);
 * when that differs from the bundle shipped with this app, the image is rebuilt once, on this
 * start, through the same upgrade that keeps the previous image for rollback — and the user is
 * told either way. A rebuild already requested for this bundle is not retried at every start:
 * the user gets a reminder and rebuilds from Settings.
 */
import type { UpdateRecord } from './update-record.js';

export interface GatewayRefreshFacts {
  /** The stack exists (setup has run). */
  setUp: boolean;
  /** The stack runs an image the user named (OPENCLAW_IMAGE), which the app never rebuilds. */
  explicitImage: boolean;
  /** Content hash of the gateway bundle (and Control UI) shipped with this app. */
  bundleStamp: string;
  /** The bundle label of the current gateway image; undefined when there is no image. */
  imageStamp: string | undefined;
  record: UpdateRecord;
}

export type GatewayRefreshDecision =
  | { action: 'none'; reason: string }
  | { action: 'rebuild'; stamp: string }
  | { action: 'remind'; stamp: string; message: string };

export function gatewayRefreshDecision(facts: GatewayRefreshFacts): GatewayRefreshDecision {
  if (!facts.setUp) return { action: 'none', reason: 'the gateway is not set up yet' };
  if (facts.explicitImage)
    return { action: 'none', reason: 'the stack runs an image named by OPENCLAW_IMAGE' };
  if (facts.imageStamp === undefined)
    return { action: 'none', reason: 'there is no gateway image yet (setup builds it)' };
  if (facts.imageStamp === facts.bundleStamp)
    return { action: 'none', reason: 'the image carries this gateway bundle' };
  if (facts.record.gatewayRebuild?.stamp === facts.bundleStamp) {
    return {
      action: 'remind',
      stamp: facts.bundleStamp,
      message:
        'The gateway image is older than the gateway this app carries, and rebuilding it after the update did not finish. Rebuild it with Rebuild on the Dashboard; the previous image keeps running until the new one is healthy.',
    };
  }
  return { action: 'rebuild', stamp: facts.bundleStamp };
}

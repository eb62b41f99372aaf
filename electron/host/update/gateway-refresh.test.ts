import { describe, expect, it } from 'vitest';
import { gatewayRefreshDecision, type GatewayRefreshFacts } from './gateway-refresh.js';

const base: GatewayRefreshFacts = {
  setUp: true,
  explicitImage: false,
  bundleStamp: 'new0000000000000',
  imageStamp: 'old0000000000000',
  record: {},
};

describe('gatewayRefreshDecision', () => {
  it('rebuilds when the image carries another bundle than the app', () => {
    expect(gatewayRefreshDecision(base)).toEqual({ action: 'rebuild', stamp: 'new0000000000000' });
  });

  it('requests the rebuild once per bundle: afterwards it only reminds', () => {
    const again = gatewayRefreshDecision({
      ...base,
      record: {
        gatewayRebuild: { stamp: 'new0000000000000', requestedAt: 1, appVersion: '1.1.0' },
      },
    });
    expect(again).toMatchObject({ action: 'remind', stamp: 'new0000000000000' });
    // A later update with yet another bundle asks again.
    expect(
      gatewayRefreshDecision({
        ...base,
        bundleStamp: 'newer00000000000',
        record: {
          gatewayRebuild: { stamp: 'new0000000000000', requestedAt: 1, appVersion: '1.1.0' },
        },
      }),
    ).toEqual({ action: 'rebuild', stamp: 'newer00000000000' });
  });

  it('does nothing when the bundle matches, nothing is set up, no image exists or the image is the user’s', () => {
    expect(gatewayRefreshDecision({ ...base, imageStamp: base.bundleStamp }).action).toBe('none');
    expect(gatewayRefreshDecision({ ...base, setUp: false }).action).toBe('none');
    expect(gatewayRefreshDecision({ ...base, imageStamp: undefined }).action).toBe('none');
    expect(gatewayRefreshDecision({ ...base, explicitImage: true }).action).toBe('none');
  });
});

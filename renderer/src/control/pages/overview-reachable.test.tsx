// @vitest-environment happy-dom
/**
 * Overview's "Reachable at": the host's published address when the app is there; served by the
 * gateway alone, an honest "not visible from inside the container" instead of the gateway's bind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '../../testing/dom.js';
import { ReachableFrom } from './overview-page.js';

afterEach(cleanup);

const base = {
  source: 'container' as const,
  port: 18789,
  localUrl: 'http://127.0.0.1:18789/',
  lanAddresses: ['192.168.1.23'],
};

describe('ReachableFrom', () => {
  it('says "this computer only" for a loopback publish, whatever the gateway binds inside', () => {
    const { container } = render(
      <ReachableFrom
        reachability={{ ...base, publishAddress: '127.0.0.1', scope: 'this-computer', lanUrls: [] }}
        bind="lan"
      />,
    );
    expect(container.textContent).toBe('http://127.0.0.1:18789 — this computer only');
  });

  it('lists the LAN addresses when published on the network', () => {
    const { container } = render(
      <ReachableFrom
        reachability={{
          ...base,
          publishAddress: '0.0.0.0',
          scope: 'network',
          lanUrls: ['http://192.168.1.23:18789/'],
        }}
        bind="lan"
      />,
    );
    expect(container.textContent).toContain('http://192.168.1.23:18789 — other devices');
    expect(container.textContent).toContain('http://127.0.0.1:18789 here');
  });

  it('without the app, never claims "lan": the container cannot see its published port', () => {
    const { container } = render(<ReachableFrom reachability={null} bind="lan" />);
    expect(container.textContent).toContain('not visible from inside the container');
    expect(container.textContent).not.toMatch(/^lan$/);
    const loopback = render(<ReachableFrom reachability={null} bind="loopback" />);
    expect(loopback.container.textContent).toContain('inside the container only');
  });
});

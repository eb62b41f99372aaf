/**
 * Where the gateway port is published on the host (`OPENCLAW_GATEWAY_PUBLISH_ADDRESS`): 127.0.0.1
 * (this computer only, the default), 0.0.0.0 (every interface: other devices on the network can
 * connect) or one of this host's own IPv4 addresses (that network only). Anything else is refused:
 * Docker would fail late with "cannot assign requested address", or publish somewhere the user did
 * not mean.
 */
import os from 'node:os';
import net from 'node:net';

export const LOOPBACK_PUBLISH_ADDRESS = '127.0.0.1';
export const ALL_INTERFACES_PUBLISH_ADDRESS = '0.0.0.0';

/** `os.networkInterfaces()`'s shape; injectable so tests do not depend on this machine. */
export type NetworkInterfaces = NodeJS.Dict<os.NetworkInterfaceInfo[]>;
export type InterfaceSource = () => NetworkInterfaces;

export const systemInterfaces: InterfaceSource = () => os.networkInterfaces();

// Container and VM bridges live on this host only: no other device reaches them.
const VIRTUAL_BRIDGE = /^(docker\d*|br-[0-9a-f]{6,}|veth|virbr|vboxnet|vmnet|cni|flannel|podman)/;

/**
 * This host's non-internal IPv4 addresses other devices on the network can connect to, sorted;
 * container/VM bridges (docker0, br-…) and link-local addresses are left out.
 */
export function lanIPv4Addresses(interfaces: NetworkInterfaces): string[] {
  const found = new Set<string>();
  for (const [name, list] of Object.entries(interfaces)) {
    if (VIRTUAL_BRIDGE.test(name)) continue;
    for (const info of list ?? []) {
      // Node 18.0-18.3 reported family as a number.
      const v4 = info.family === 'IPv4' || (info.family as unknown) === 4;
      if (v4 && !info.internal && !info.address.startsWith('169.254.')) found.add(info.address);
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** True when a port published on `address` is reachable from this computer alone. */
export function isLoopbackPublish(address: string): boolean {
  return address === LOOPBACK_PUBLISH_ADDRESS || address.startsWith('127.');
}

/**
 * Why `address` cannot be a publish address, or undefined. Only IPv4: compose's short port syntax
 * would need brackets for IPv6, and Docker's IPv6 publishing depends on daemon settings.
 */
export function checkPublishAddress(
  address: string,
  interfaces: NetworkInterfaces,
): string | undefined {
  if (address === LOOPBACK_PUBLISH_ADDRESS || address === ALL_INTERFACES_PUBLISH_ADDRESS)
    return undefined;
  if (!net.isIPv4(address)) {
    return 'must be 127.0.0.1 (this computer only), 0.0.0.0 (all networks) or one of this computer’s IPv4 addresses';
  }
  const own = lanIPv4Addresses(interfaces);
  if (!own.includes(address)) {
    return `is not an address of this computer (its addresses: ${own.length ? own.join(', ') : 'none besides 127.0.0.1'}); use 127.0.0.1, 0.0.0.0 or one of those`;
  }
  return undefined;
}

/**
 * The host addresses a browser uses to reach a port published on `address`: 127.0.0.1 for
 * loopback; for 0.0.0.0 every LAN address (127.0.0.1 works too but is not a LAN address); a single
 * interface address is the one way in.
 */
export function reachableAddresses(address: string, interfaces: NetworkInterfaces): string[] {
  if (isLoopbackPublish(address)) return [address];
  if (address === ALL_INTERFACES_PUBLISH_ADDRESS) return lanIPv4Addresses(interfaces);
  return [address];
}

/** `http://<ip>:<port>` origins of other devices' browsers, for gateway.controlUi.allowedOrigins. */
export function lanOrigins(address: string, port: number, interfaces: NetworkInterfaces): string[] {
  if (isLoopbackPublish(address)) return [];
  return reachableAddresses(address, interfaces).map((ip) => `http://${ip}:${port}`);
}

/**
 * The host this computer itself uses to reach the published port (probes, the app's operator
 * connection): 127.0.0.1 unless the port is published on one interface address only.
 */
export function localProbeHost(address: string): string {
  return address === ALL_INTERFACES_PUBLISH_ADDRESS || isLoopbackPublish(address)
    ? LOOPBACK_PUBLISH_ADDRESS
    : address;
}

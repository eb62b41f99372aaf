/**
 * Where the gateway can be reached from, seen from the host: the address and port its container
 * publishes (Docker's port bindings, the truth once a container exists) or, before that, what the
 * settings will publish. The gateway itself only knows its side of the container (0.0.0.0:18789),
 * which says nothing about who can reach it.
 */
import type { StackReachability, StackSettings } from '../../contract/host-api.js';
import {
  isLoopbackPublish,
  lanIPv4Addresses,
  localProbeHost,
  reachableAddresses,
  type NetworkInterfaces,
} from '../../../docker/stack/index.js';
import { publishAddress } from '../settings/app-settings.js';

/** One entry of Docker's `NetworkSettings.Ports[...]` / `HostConfig.PortBindings[...]`. */
export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/**
 * `bindings` are the container's bindings of the gateway port (undefined: no container yet).
 * Docker reports an empty HostIp for "all interfaces" in PortBindings, and adds an IPv6 `::` twin
 * of 0.0.0.0 on newer engines; both mean the same as 0.0.0.0 here.
 */
export function describeReachability(
  settings: Pick<StackSettings, 'exposeOnLan' | 'gatewayPort'>,
  bindings: readonly PortBinding[] | undefined,
  interfaces: NetworkInterfaces,
): StackReachability {
  const fromContainer = bindings
    ?.map((b) => ({
      ip: !b.HostIp || b.HostIp === '::' ? '0.0.0.0' : b.HostIp,
      port: Number(b.HostPort),
    }))
    .filter((b) => Number.isInteger(b.port) && b.port > 0);
  const chosen =
    fromContainer && fromContainer.length > 0
      ? (fromContainer.find((b) => b.ip === '0.0.0.0') ?? fromContainer[0]!)
      : undefined;
  const address = chosen?.ip ?? publishAddress(settings);
  const port = chosen?.port ?? settings.gatewayPort;
  const lan = isLoopbackPublish(address) ? [] : reachableAddresses(address, interfaces);
  return {
    source: chosen ? 'container' : 'settings',
    publishAddress: address,
    port,
    scope: isLoopbackPublish(address) ? 'this-computer' : 'network',
    localUrl: `http://${localProbeHost(address)}:${port}/`,
    lanUrls: lan.map((ip) => `http://${ip}:${port}/`),
    lanAddresses: lanIPv4Addresses(interfaces),
  };
}

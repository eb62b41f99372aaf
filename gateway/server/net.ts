/**
 * Client address and locality. "Local" is decided on parsed IP literals and exact host names,
 * never on string prefixes (`127.evil.test` is not loopback).
 */
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

/** Strip the IPv4-mapped IPv6 prefix so `::ffff:127.0.0.1` compares as `127.0.0.1`. */
export function normalizeIp(address: string | undefined): string {
  if (!address) return '';
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

export function isLoopbackIp(address: string | undefined): boolean {
  const ip = normalizeIp(address);
  const family = net.isIP(ip);
  if (family === 4) return ip.split('.')[0] === '127';
  if (family === 6) return /^(0*:)*:?0*1$/.test(ip) || ip === '::1';
  return false;
}

/** Hostname part of a Host header (`[::1]:18789` → `::1`, `localhost:80` → `localhost`). */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(1, end) : value;
  }
  const colon = value.lastIndexOf(':');
  return colon > -1 && value.indexOf(':') === colon ? value.slice(0, colon) : value;
}

export function isLocalHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || isLoopbackIp(h);
}

const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
];

export function hasForwardingHeaders(headers: IncomingHttpHeaders): boolean {
  return FORWARDING_HEADERS.some((name) => headers[name] !== undefined);
}

/** Matches IPs against a list of IPs and CIDRs (`gateway.trustedProxies`). */
export class AddressMatcher {
  private readonly list = new net.BlockList();
  private readonly empty: boolean;

  constructor(entries: readonly string[] = []) {
    let added = 0;
    for (const raw of entries) {
      const entry = raw.trim();
      const [addr, bits] = entry.split('/');
      const ip = normalizeIp(addr);
      const family = net.isIP(ip);
      if (!family) continue;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits !== undefined) {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix)) continue;
        this.list.addSubnet(ip, prefix, type);
      } else {
        this.list.addAddress(ip, type);
      }
      added += 1;
    }
    this.empty = added === 0;
  }

  has(address: string | undefined): boolean {
    if (this.empty) return false;
    const ip = normalizeIp(address);
    const family = net.isIP(ip);
    if (!family) return false;
    return this.list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }
}

export interface ClientAddressInfo {
  /** Best knowledge of the client's IP. */
  clientIp: string;
  /** The socket peer (the proxy when one is trusted). */
  socketIp: string;
  /** Loopback socket, local Host, and no forwarding headers from an untrusted source. */
  localDirect: boolean;
  /** Forwarding headers arrived from an address that is not a trusted proxy. */
  untrustedForwarding: boolean;
}

export function resolveClientAddress(
  socketAddress: string | undefined,
  headers: IncomingHttpHeaders,
  trustedProxies: AddressMatcher,
  allowRealIpFallback = false,
): ClientAddressInfo {
  const socketIp = normalizeIp(socketAddress);
  const forwarded = hasForwardingHeaders(headers);
  let clientIp = socketIp;
  let untrustedForwarding = false;
  if (forwarded) {
    if (trustedProxies.has(socketIp)) {
      const chain = String(headers['x-forwarded-for'] ?? '')
        .split(',')
        .map((part) => normalizeIp(part))
        .filter((part) => net.isIP(part));
      // Right-most first: skip our own trusted hops, the first untrusted address is the client.
      let found: string | undefined;
      for (let i = chain.length - 1; i >= 0; i -= 1) {
        const hop = chain[i]!;
        if (!trustedProxies.has(hop)) {
          found = hop;
          break;
        }
      }
      const realIp = normalizeIp(String(headers['x-real-ip'] ?? ''));
      clientIp = found ?? (allowRealIpFallback && net.isIP(realIp) ? realIp : '');
    } else {
      untrustedForwarding = true;
    }
  }
  const localDirect =
    !forwarded && isLoopbackIp(socketIp) && isLocalHostname(hostnameOf(headers.host ?? ''));
  return { clientIp: clientIp || socketIp, socketIp, localDirect, untrustedForwarding };
}

/**
 * DNS rebinding guard for Host headers. A rebinding page reaches us under a DNS name it controls,
 * so names must be ours: `localhost` or the host of a configured/own origin. IP literals (the bound
 * address, a LAN address, loopback) cannot be rebound and pass; so does a request without Host
 * (HTTP/1.0 tools; browsers always send one).
 */
export function isAllowedHost(hostHeader: string | undefined, origins: readonly string[]): boolean {
  if (hostHeader === undefined || hostHeader.trim() === '') return true;
  const name = hostnameOf(hostHeader).replace(/\.$/, '');
  if (net.isIP(name) || isLocalHostname(name)) return true;
  return origins.some((origin) => {
    try {
      return new URL(origin).hostname.toLowerCase() === name;
    } catch {
      return false;
    }
  });
}

/**
 * Who the Control UI is to the gateway (client id, mode, role, scopes, platform) and the timing of
 * its retries. The platform is pinned by the gateway at pairing: it must never change, or every
 * reconnect would ask to pair again.
 */
export const CONTROL_UI_CLIENT_ID = 'openclaw-control-ui';
export const CONTROL_UI_CLIENT_MODE = 'webchat';
export const CONTROL_UI_ROLE = 'operator';
export const CONTROL_UI_SCOPES = [
  'operator.admin',
  'operator.read',
  'operator.write',
  'operator.approvals',
  'operator.pairing',
] as const;
/** Pinned by the gateway at pairing; must stay stable or every reconnect asks to re-pair. */
export const CONTROL_UI_PLATFORM = 'web';

export const DEFAULT_PAIRING_RETRY_MS = 3_000;
export const RECONNECT = { initialMs: 800, multiplier: 1.8, maxMs: 15_000 };

export function randomId(): string {
  const cryptoApi = globalThis.crypto;
  if (cryptoApi?.randomUUID) return cryptoApi.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Loopback endpoints are trusted for the one automatic retry with the stored device token. */
export function isLoopbackGatewayUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * `DISCORD_API_URL`: upstream's versioned REST base (`https://discord.com/api/v10`, or a proxy or
 * test server such as `http://127.0.0.1:PORT/api/v10`). discord.js wants the unversioned root and
 * the version apart; the gateway URL then comes from `GET /gateway/bot`, so nothing else needs
 * configuring.
 */
export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api/v10';
const API_VERSION = '10';

export interface DiscordApiBase {
  /** The unversioned root discord.js appends `/v10` to. */
  api: string;
  version: string;
  /** The versioned base, for messages. */
  url: string;
}

/** Reads `DISCORD_API_URL`; throws an `Error` saying what to fix when it is unusable. */
export function resolveDiscordApiBase(value: string | undefined): DiscordApiBase {
  const raw = value?.trim() || DEFAULT_DISCORD_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(
      `DISCORD_API_URL is not a URL (${JSON.stringify(raw)}); set it to the versioned REST base, e.g. ${DEFAULT_DISCORD_API_URL}, or unset it.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`DISCORD_API_URL must be an http(s) URL, not ${url.protocol}//…`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `DISCORD_API_URL uses plain http to ${url.hostname}, which would send the bot token unencrypted; use https, or plain http only on this machine (127.0.0.1, ::1, localhost).`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new Error('DISCORD_API_URL must not carry credentials, a query or a fragment.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const versioned = /^(.*)\/v(\d+)$/.exec(path);
  if (versioned && versioned[2] !== API_VERSION) {
    throw new Error(
      `DISCORD_API_URL names API v${versioned[2]}; this gateway speaks v${API_VERSION} (…/api/v${API_VERSION}).`,
    );
  }
  const root = versioned ? versioned[1] : path;
  const api = `${url.origin}${root}`;
  return { api, version: API_VERSION, url: `${api}/v${API_VERSION}` };
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

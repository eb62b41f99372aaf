/**
 * The `channels` section of `openclaw.json`, checked at load like the rest of the config: every
 * problem with its path. Only what this gateway interprets is checked (policies, lists, limits,
 * token shapes); the many other upstream keys of a channel block pass untouched. Channel ids
 * upstream ships but this gateway does not run are accepted (the channel service reports them);
 * any other id is an error, since a typo there would silently leave a channel off.
 */
import type { ConfigIssue, LooseObject } from '../../config/config-types.js';
import { isSecretRef } from '../../config/env-subst.js';
import { isPlainObject } from '../../config/json-value.js';
import { CHANNEL_IDS, type ChannelId } from '../contract.js';
import { CHANNEL_FACTS, FOREIGN_CHANNEL_IDS } from './channel-defaults.js';

const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'];
const GROUP_POLICIES = ['allowlist', 'open', 'disabled'];

function show(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : (JSON.stringify(value) ?? String(value));
}

function checkList(value: unknown, at: string, issues: ConfigIssue[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.push({ path: at, message: `must be a list of sender ids (got ${show(value)})` });
    return undefined;
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' && typeof item !== 'number')
      issues.push({
        path: `${at}[${i}]`,
        message: `must be a sender id string (got ${show(item)})`,
      });
  });
  return value.map(String);
}

/** `channels.telegram.apiRoot`: the Bot API server's root only, http(s). */
function apiRootProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '')
    return 'must be the Bot API server root URL, e.g. http://127.0.0.1:8081';
  if (/\/bot\d+:/i.test(value))
    return 'must be the root only, without /bot<TOKEN> (the bot token goes in botToken); the value was not saved';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'is not a URL; use the Bot API server root, e.g. http://127.0.0.1:8081';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
}

function checkBlock(
  channel: ChannelId,
  block: Record<string, unknown>,
  at: string,
  issues: ConfigIssue[],
): void {
  const oneOf = (key: string, allowed: string[]) => {
    const value = block[key];
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value)))
      issues.push({
        path: `${at}.${key}`,
        message: `must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${show(value)})`,
      });
  };
  oneOf('dmPolicy', DM_POLICIES);
  oneOf('groupPolicy', GROUP_POLICIES);
  checkList(block.allowFrom, `${at}.allowFrom`, issues);
  checkList(block.groupAllowFrom, `${at}.groupAllowFrom`, issues);
  if (block.enabled !== undefined && typeof block.enabled !== 'boolean')
    issues.push({
      path: `${at}.enabled`,
      message: `must be true or false (got ${show(block.enabled)})`,
    });
  for (const key of ['textChunkLimit', 'mediaMaxMb']) {
    const value = block[key];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0)))
      issues.push({
        path: `${at}.${key}`,
        message: `must be a positive number (got ${show(value)})`,
      });
  }
  if (block.name !== undefined && typeof block.name !== 'string')
    issues.push({ path: `${at}.name`, message: `must be a string (got ${show(block.name)})` });
  const tokenKey = CHANNEL_FACTS[channel].tokenKey;
  if (tokenKey) {
    const token = block[tokenKey];
    if (token !== undefined && typeof token !== 'string' && !isSecretRef(token))
      issues.push({
        path: `${at}.${tokenKey}`,
        message: 'must be the bot token as a string or a SecretRef {source, provider, id}',
      });
    const wrong = tokenKey === 'token' ? 'botToken' : undefined;
    if (wrong && block[wrong] !== undefined)
      issues.push({
        path: `${at}.${wrong}`,
        message: `${CHANNEL_FACTS[channel].label} reads its bot token from "${tokenKey}"; rename the key`,
      });
    if (
      block.tokenFile !== undefined &&
      (typeof block.tokenFile !== 'string' || block.tokenFile.trim() === '')
    )
      issues.push({
        path: `${at}.tokenFile`,
        message: 'must be the path of a file holding the bot token',
      });
  }
  if (channel === 'telegram' && block.apiRoot !== undefined) {
    const problem = apiRootProblem(block.apiRoot);
    // Never echo the value: a pasted `…/bot<TOKEN>` carries the token.
    if (problem) issues.push({ path: `${at}.apiRoot`, message: problem });
  }
  if (
    channel === 'whatsapp' &&
    block.authDir !== undefined &&
    (typeof block.authDir !== 'string' || block.authDir.trim() === '')
  )
    issues.push({
      path: `${at}.authDir`,
      message: 'must be a folder path for the WhatsApp credentials',
    });
}

/** The policy rules on the effective values (an account inherits what it leaves out). */
function checkPolicy(effective: Record<string, unknown>, at: string, issues: ConfigIssue[]): void {
  const dm = isPlainObject(effective.dm) ? effective.dm : {};
  const policy = effective.dmPolicy ?? dm.policy ?? 'pairing';
  const list = Array.isArray(effective.allowFrom)
    ? effective.allowFrom
    : Array.isArray(dm.allowFrom)
      ? dm.allowFrom
      : [];
  if (policy === 'open' && !list.map(String).includes('*'))
    issues.push({
      path: `${at}.allowFrom`,
      message:
        'dmPolicy "open" needs "*" in allowFrom (allowFrom: ["*"]) to let anyone write; or use dmPolicy "allowlist" for the listed senders only',
    });
  if (policy === 'allowlist' && list.length === 0)
    issues.push({
      path: `${at}.allowFrom`,
      message:
        'dmPolicy "allowlist" with an empty allowFrom lets nobody in; list the sender ids, or use dmPolicy "pairing" to approve senders with a code',
    });
}

function checkChannel(channel: ChannelId, value: unknown, at: string, issues: ConfigIssue[]): void {
  if (!isPlainObject(value)) {
    issues.push({
      path: at,
      message: `must be an object like { enabled: true, … } (got ${show(value)})`,
    });
    return;
  }
  checkBlock(channel, value, at, issues);
  const { accounts, defaultAccount, ...root } = value;
  if (accounts !== undefined && !isPlainObject(accounts)) {
    issues.push({
      path: `${at}.accounts`,
      message: 'must be an object of accounts by id, like { work: { … } }',
    });
    return;
  }
  const ids = isPlainObject(accounts) ? Object.keys(accounts) : [];
  if (
    defaultAccount !== undefined &&
    (typeof defaultAccount !== 'string' || !ids.includes(defaultAccount))
  )
    issues.push({
      path: `${at}.defaultAccount`,
      message: `must name one of the accounts (${ids.join(', ') || 'none configured'})`,
    });
  if (ids.length === 0) {
    checkPolicy(root, at, issues);
    return;
  }
  for (const id of ids) {
    const own = (accounts as Record<string, unknown>)[id];
    const accountAt = `${at}.accounts.${id}`;
    if (id.trim() === '' || !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) {
      issues.push({
        path: accountAt,
        message: 'account ids use letters, digits, ".", "_" and "-" (at most 64)',
      });
      continue;
    }
    if (!isPlainObject(own)) {
      issues.push({ path: accountAt, message: `must be an object (got ${show(own)})` });
      continue;
    }
    checkBlock(channel, own, accountAt, issues);
    checkPolicy({ ...root, ...own }, accountAt, issues);
  }
}

/** The `channels` check the config schema calls. */
export function channelsConfigCheck(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): LooseObject | undefined {
  if (!isPlainObject(value)) {
    issues.push({
      path,
      message: `must be an object like { telegram: { … } } (got ${show(value)})`,
    });
    return undefined;
  }
  for (const [key, block] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if ((CHANNEL_IDS as readonly string[]).includes(key))
      checkChannel(key as ChannelId, block, at, issues);
    else if (key === 'defaults') {
      if (!isPlainObject(block)) issues.push({ path: at, message: 'must be an object' });
      else if (
        block.groupPolicy !== undefined &&
        !GROUP_POLICIES.includes(String(block.groupPolicy))
      )
        issues.push({
          path: `${at}.groupPolicy`,
          message: `must be one of ${GROUP_POLICIES.map((a) => `"${a}"`).join(', ')}`,
        });
    } else if (!FOREIGN_CHANNEL_IDS.has(key))
      issues.push({
        path: at,
        message: `unknown channel "${key}"; this gateway runs ${CHANNEL_IDS.join(', ')}`,
      });
  }
  return value;
}

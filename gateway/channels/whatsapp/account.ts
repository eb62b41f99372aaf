/**
 * The WhatsApp keys of an account: where its credentials live (`authDir`), and its `groups` map
 * (absent: every group is eligible; present: an allowlist by group JID or `"*"`).
 */
import path from 'node:path';
import { expandUserPath } from '../../config/paths.js';
import type { AdapterEnvironment, InboundMessage, ResolvedAccount } from '../contract.js';

/** Account ids become folder names: no separators, no dot-only names. */
const SAFE_ACCOUNT_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;

export function authDirFor(account: ResolvedAccount, environment: AdapterEnvironment): string {
  const configured = account.raw.authDir;
  if (typeof configured === 'string' && configured.trim())
    return expandUserPath(configured.trim(), environment.paths);
  if (!SAFE_ACCOUNT_ID.test(account.accountId))
    throw new Error(
      `WhatsApp account id "${account.accountId}" cannot name a credentials folder; use letters, digits, ".", "_" or "-", or set an authDir`,
    );
  return path.join(environment.paths.stateDir, 'credentials', 'whatsapp', account.accountId);
}

interface GroupEntry {
  requireMention?: boolean;
  allowFrom?: string[];
}

function groupsOf(account: ResolvedAccount): Record<string, GroupEntry> | undefined {
  const groups = account.raw.groups;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups)) return undefined;
  return groups as Record<string, GroupEntry>;
}

export function validateAccount(account: ResolvedAccount, at: string): string[] {
  const problems: string[] = [];
  const authDir = account.raw.authDir;
  if (authDir !== undefined && (typeof authDir !== 'string' || !authDir.trim()))
    problems.push(`${at}.authDir: must be a folder path (or left out for the default place)`);
  if (authDir === undefined && !SAFE_ACCOUNT_ID.test(account.accountId))
    problems.push(
      `${at}: account id "${account.accountId}" cannot name a credentials folder; rename it (letters, digits, . _ -) or set authDir`,
    );
  const groups = account.raw.groups;
  if (groups === undefined) return problems;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups)) {
    problems.push(`${at}.groups: must be an object keyed by group JID (…@g.us) or "*"`);
    return problems;
  }
  for (const [jid, entry] of Object.entries(groups as Record<string, unknown>)) {
    const where = `${at}.groups["${jid}"]`;
    if (jid !== '*' && !/^[0-9-]+@g\.us$/.test(jid))
      problems.push(
        `${where}: not a group JID; use the group's id like 120363012345678901@g.us, or "*"`,
      );
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where}: must be an object such as { "requireMention": false }`);
      continue;
    }
    const { requireMention, allowFrom } = entry as Record<string, unknown>;
    if (requireMention !== undefined && typeof requireMention !== 'boolean')
      problems.push(`${where}.requireMention: must be true or false`);
    if (
      allowFrom !== undefined &&
      (!Array.isArray(allowFrom) || allowFrom.some((v) => typeof v !== 'string'))
    )
      problems.push(`${where}.allowFrom: must be a list of phone numbers like "+15551234567"`);
  }
  return problems;
}

export function groupRuleFor(
  account: ResolvedAccount,
  message: InboundMessage,
): { listed: boolean; requireMention: boolean; allowFrom?: string[] } {
  const groups = groupsOf(account);
  if (!groups) return { listed: true, requireMention: true };
  const own = groups[message.chatId];
  const wildcard = groups['*'];
  const entry = own ?? wildcard;
  if (!entry) return { listed: false, requireMention: true };
  const requireMention = own?.requireMention ?? wildcard?.requireMention ?? true;
  const allowFrom = Array.isArray(entry.allowFrom) ? entry.allowFrom : undefined;
  return { listed: true, requireMention, ...(allowFrom ? { allowFrom } : {}) };
}

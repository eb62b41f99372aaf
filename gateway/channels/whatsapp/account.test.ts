import path from 'node:path';
import { proto } from 'baileys';
import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../contract.js';
import { whatsappAdapter } from './index.js';
import { mentionsSelf } from './inbound.js';
import { authDirFor } from './account.js';
import { environmentFor, whatsappAccount } from './test-support.js';

function groupMessage(chatId: string): InboundMessage {
  return {
    channel: 'whatsapp',
    accountId: 'default',
    chatId,
    chatType: 'group',
    senderId: '+15551234567',
    senderLabel: 'Alice',
    messageId: 'm1',
    text: 'hi',
    mentioned: false,
    media: [],
  };
}

describe('WhatsApp account keys', () => {
  it('groups absent: every group listed, mention required', () => {
    expect(whatsappAdapter.groupRule(whatsappAccount(), groupMessage('1@g.us'))).toEqual({
      listed: true,
      requireMention: true,
    });
  });

  it('groups present: an allowlist by JID, "*" for the rest', () => {
    const account = whatsappAccount({
      groups: {
        '120363000000000001@g.us': { requireMention: false, allowFrom: ['+15551234567'] },
        '120363000000000002@g.us': {},
      },
    });
    expect(whatsappAdapter.groupRule(account, groupMessage('120363000000000001@g.us'))).toEqual({
      listed: true,
      requireMention: false,
      allowFrom: ['+15551234567'],
    });
    expect(whatsappAdapter.groupRule(account, groupMessage('120363000000000002@g.us'))).toEqual({
      listed: true,
      requireMention: true,
    });
    expect(whatsappAdapter.groupRule(account, groupMessage('120363000000000003@g.us'))).toEqual({
      listed: false,
      requireMention: true,
    });
    const wildcard = whatsappAccount({ groups: { '*': { requireMention: false } } });
    expect(whatsappAdapter.groupRule(wildcard, groupMessage('9@g.us'))).toEqual({
      listed: true,
      requireMention: false,
    });
  });

  it('validates authDir, groups and account ids with their config paths', () => {
    const at = 'channels.whatsapp.accounts.work';
    expect(whatsappAdapter.validate(whatsappAccount({ groups: { '*': {} } }), at)).toEqual([]);
    expect(
      whatsappAdapter.validate(
        whatsappAccount({
          authDir: '',
          groups: { 'family chat': { requireMention: 'yes' }, '1@g.us': { allowFrom: 5 } },
        }),
        at,
      ),
    ).toEqual([
      `${at}.authDir: must be a folder path (or left out for the default place)`,
      `${at}.groups["family chat"]: not a group JID; use the group's id like 120363012345678901@g.us, or "*"`,
      `${at}.groups["family chat"].requireMention: must be true or false`,
      `${at}.groups["1@g.us"].allowFrom: must be a list of phone numbers like "+15551234567"`,
    ]);
    expect(whatsappAdapter.validate({ ...whatsappAccount(), accountId: '../x' }, at)[0]).toMatch(
      /cannot name a credentials folder/,
    );
  });

  it('keeps credentials under the state dir unless authDir says otherwise', () => {
    const environment = environmentFor('/srv/state', 'ws://127.0.0.1:1');
    expect(authDirFor({ ...whatsappAccount(), accountId: 'work' }, environment)).toBe(
      path.join('/srv/state', 'credentials', 'whatsapp', 'work'),
    );
    expect(authDirFor(whatsappAccount({ authDir: '/data/wa' }), environment)).toBe('/data/wa');
    expect(() => authDirFor({ ...whatsappAccount(), accountId: '..' }, environment)).toThrow(
      /cannot name a credentials folder/,
    );
  });
});

describe('WhatsApp mentions', () => {
  const self = ['15550000000:7@s.whatsapp.net', '98765432101234:7@lid'];

  it('counts mentionedJid, a reply to the bot, and @<number> in the text', () => {
    const mention = proto.Message.create({
      extendedTextMessage: {
        text: '@15550000000 hi',
        contextInfo: { mentionedJid: ['15550000000@s.whatsapp.net'] },
      },
    });
    expect(mentionsSelf(mention, 'hi', self)).toBe(true);
    const byLid = proto.Message.create({
      extendedTextMessage: { text: 'x', contextInfo: { mentionedJid: ['98765432101234@lid'] } },
    });
    expect(mentionsSelf(byLid, 'x', self)).toBe(true);
    const reply = proto.Message.create({
      extendedTextMessage: {
        text: 'yes',
        contextInfo: {
          participant: '15550000000@s.whatsapp.net',
          quotedMessage: { conversation: 'question?' },
        },
      },
    });
    expect(mentionsSelf(reply, 'yes', self)).toBe(true);
    expect(
      mentionsSelf(proto.Message.create({ conversation: 'x' }), 'hey @15550000000', self),
    ).toBe(true);
  });

  it('ignores other people and look-alike numbers', () => {
    const other = proto.Message.create({
      extendedTextMessage: {
        text: 'x',
        contextInfo: {
          mentionedJid: ['15557777777@s.whatsapp.net'],
          participant: '15557777777@s.whatsapp.net',
          quotedMessage: { conversation: 'q' },
        },
      },
    });
    expect(mentionsSelf(other, 'x', self)).toBe(false);
    expect(
      mentionsSelf(proto.Message.create({ conversation: 'x' }), '@155500000001 hi', self),
    ).toBe(false);
    expect(
      mentionsSelf(proto.Message.create({ conversation: 'x' }), 'mail a@15550000000', self),
    ).toBe(false);
  });
});

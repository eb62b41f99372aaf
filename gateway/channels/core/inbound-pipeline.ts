/**
 * One inbound message, start to answer: access policy → (pairing code | nothing | agent run) →
 * media staged into the session's workspace → the run through the gateway's agent runtime (so
 * slash commands, the per-session queue and transcripts behave as in the app) → typing while it
 * lasts → the answer cut to the channel's limits and sent to the same chat and thread, the first
 * piece quoting the message. Nothing here throws: every failure is logged and noted in status.
 */
import { stageInboundMedia } from '../../agent/media/inbound-media.js';
import { errorMessage } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type {
  AccountConnection,
  ChannelAdapter,
  InboundMessage,
  OutboundTarget,
  ResolvedAccount,
} from '../contract.js';
import type { DmPairingStore } from '../pairing/dm-pairing-store.js';
import { decideAccess } from './access-policy.js';
import { chunkText } from './chunking.js';
import { sessionKeyFor, type DmScope } from './session-key.js';
import { pairingReplyText } from './pairing-reply.js';

/** The part of the agent runtime a channel uses (`AgentMethods.load()`). */
export interface AgentRunner {
  agent(params: unknown): { ack: Record<string, unknown>; final: Promise<Record<string, unknown>> };
}

export interface PipelineDeps {
  logger: Logger;
  pairing: DmPairingStore;
  agent(): Promise<AgentRunner>;
  /** The agent, main key and DM scope new messages go to (read per message: config reloads). */
  routing(message: InboundMessage): { agentId: string; mainKey: string; dmScope: DmScope };
  /** The folder the session's tools see (sandbox or agent workspace): inbound media goes there. */
  activeWorkspace(agentId: string, sessionKey: string): Promise<string>;
  /** How often "typing…" is repeated while a run lasts. */
  typingIntervalMs(): number;
  /** Runs one session may have waiting or running from channels before more are turned away. */
  maxBacklogPerSession?: number;
}

/** What the pipeline needs of one running account. */
export interface PipelineAccount {
  adapter: ChannelAdapter;
  account(): ResolvedAccount;
  connection(): AccountConnection | undefined;
  noteOutbound(): void;
  noteError(message: string): void;
}

const DEFAULT_BACKLOG = 8;
const BUSY_TEXT =
  'I am still working on your earlier messages, so I did not take the latest ones. Send them again once I have answered.';

/** agent-run.ts's refusal when the session's model has no image input. */
const IMAGES_REFUSED = /does not accept images/;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

function textLimitOf(adapter: ChannelAdapter, account: ResolvedAccount): number {
  return Math.min(adapter.textLimit, account.textChunkLimit);
}

function maxLinesOf(adapter: ChannelAdapter, account: ResolvedAccount): number | undefined {
  const configured = account.raw.maxLinesPerMessage;
  if (typeof configured === 'number' && configured > 0) return Math.floor(configured);
  return adapter.maxLines;
}

function answerOf(final: Record<string, unknown>): { ok: boolean; text: string } {
  const result = final.result as { payloads?: Array<{ text?: unknown }> } | undefined;
  const text = (result?.payloads ?? [])
    .map((p) => (typeof p.text === 'string' ? p.text : ''))
    .filter((t) => t.trim() !== '')
    .join('\n\n');
  if (final.status === 'ok') return { ok: true, text };
  const summary = typeof final.summary === 'string' ? final.summary : 'the run failed';
  return { ok: false, text: summary };
}

export class InboundPipeline {
  /** Channel runs per session key that have not ended yet (a flood guard). */
  private readonly backlog = new Map<string, number>();
  /** Sessions already told to slow down in the current burst (told once, not per message). */
  private readonly warned = new Set<string>();
  /** Unlisted groups already named in the log (bounded). */
  private readonly unlistedGroupsSeen = new Set<string>();

  constructor(private readonly deps: PipelineDeps) {}

  async handle(target: PipelineAccount, message: InboundMessage): Promise<void> {
    const account = target.account();
    const log = this.deps.logger.child({ channel: message.channel, accountId: message.accountId });
    try {
      const approved =
        message.chatType === 'direct' && account.dmPolicy === 'pairing'
          ? await this.deps.pairing.approvedSenders(message.channel, message.accountId)
          : [];
      const decision = decideAccess(message, account, target.adapter, approved);
      if (decision.action === 'drop') {
        log.debug('inbound message not processed', {
          reason: decision.reason,
          chatType: message.chatType,
        });
        // The one way to learn a group's id is a message from it: say it once per group, at info.
        if (message.chatType === 'group' && decision.reason.includes('not listed')) {
          const key = `${message.channel}:${message.accountId}:${message.chatId}`;
          if (!this.unlistedGroupsSeen.has(key) && this.unlistedGroupsSeen.size < 1000) {
            this.unlistedGroupsSeen.add(key);
            log.info(
              `a message from group ${message.chatId}${message.chatLabel ? ` (${message.chatLabel})` : ''} was ignored: the group is not listed; to answer there, add it to the channel's groups (guilds for Discord) in openclaw.json`,
              { chatId: message.chatId },
            );
          }
        }
        return;
      }
      if (decision.action === 'pair') {
        await this.offerPairing(target, message, log);
        return;
      }
      await this.run(target, message, log);
    } catch (err) {
      const why = errorMessage(err);
      log.error('inbound message failed', { error: why, messageId: message.messageId });
      target.noteError(`An inbound message could not be answered: ${why}`);
    }
  }

  private async offerPairing(
    target: PipelineAccount,
    message: InboundMessage,
    log: Logger,
  ): Promise<void> {
    const outcome = await this.deps.pairing.request(message.channel, message.accountId, {
      id: message.senderId,
      label: message.senderLabel,
      metadata: { chatId: message.chatId },
    });
    if (outcome.status === 'full') {
      log.info('pairing request ignored: this account already has the most pending requests', {
        senderId: message.senderId,
      });
      return;
    }
    if (outcome.status === 'pending') return;
    log.info('pairing requested', { senderId: message.senderId });
    await this.send(
      target,
      {
        chatId: message.chatId,
        chatType: 'direct',
        ...(message.threadId ? { threadId: message.threadId } : {}),
      },
      pairingReplyText(
        target.adapter.label,
        message.channel,
        message.senderId,
        outcome.request.code,
      ),
    );
  }

  private async run(target: PipelineAccount, message: InboundMessage, log: Logger): Promise<void> {
    const routing = this.deps.routing(message);
    const sessionKey = sessionKeyFor(message, routing);
    const reply: OutboundTarget = {
      chatId: message.chatId,
      chatType: message.chatType,
      ...(message.threadId ? { threadId: message.threadId } : {}),
      replyToMessageId: message.messageId,
    };
    const waiting = this.backlog.get(sessionKey) ?? 0;
    if (waiting >= (this.deps.maxBacklogPerSession ?? DEFAULT_BACKLOG)) {
      log.warn('message not passed to the agent: too many waiting in this session', {
        sessionKey,
        waiting,
        messageId: message.messageId,
      });
      target.noteError(
        `Messages arrive faster than the agent answers (${waiting} waiting); some were turned away.`,
      );
      if (!this.warned.has(sessionKey)) {
        this.warned.add(sessionKey);
        await this.send(target, reply, BUSY_TEXT);
      }
      return;
    }
    this.backlog.set(sessionKey, waiting + 1);
    try {
      await this.runQueued(target, message, sessionKey, routing.agentId, reply, log);
    } finally {
      const left = (this.backlog.get(sessionKey) ?? 1) - 1;
      if (left > 0) this.backlog.set(sessionKey, left);
      else {
        this.backlog.delete(sessionKey);
        this.warned.delete(sessionKey);
      }
    }
  }

  private async runQueued(
    target: PipelineAccount,
    message: InboundMessage,
    sessionKey: string,
    agentId: string,
    reply: OutboundTarget,
    log: Logger,
  ): Promise<void> {
    const text = await this.messageText(message, agentId, sessionKey, log);
    const images = message.media.filter((m) => IMAGE_TYPES.has(m.mimeType.toLowerCase()));
    const params = {
      message: text,
      sessionKey,
      idempotencyKey: `${message.channel}:${message.accountId}:${message.chatId}:${message.messageId}`,
      ...(images.length > 0
        ? {
            attachments: images.map((m) => ({
              mimeType: m.mimeType,
              content: m.data.toString('base64'),
              ...(m.fileName ? { fileName: m.fileName } : {}),
            })),
          }
        : {}),
    };
    const runtime = await this.deps.agent();
    const stopTyping = this.startTyping(target, reply, log);
    let answer: { ok: boolean; text: string };
    try {
      let refused = false;
      try {
        answer = await this.runOnce(runtime, params);
      } catch (err) {
        // Attachments the runtime refuses up front (type, size) throw before a run exists.
        if (!params.attachments) throw err;
        answer = { ok: false, text: errorMessage(err) };
        refused = true;
      }
      if (!answer.ok && params.attachments && (refused || IMAGES_REFUSED.test(answer.text))) {
        // The session's model takes no images (refused before anything was written): the files
        // are in the workspace and named in the text, so the run goes on without them.
        log.info('the model takes no images; running with the saved files only');
        const { attachments: _dropped, ...rest } = params;
        answer = await this.runOnce(runtime, {
          ...rest,
          idempotencyKey: `${params.idempotencyKey}:text`,
        });
      }
    } catch (err) {
      answer = { ok: false, text: errorMessage(err) };
    } finally {
      stopTyping();
    }
    if (!answer.ok) {
      log.error('agent run for a channel message failed', { error: answer.text, sessionKey });
      target.noteError(`The agent failed: ${answer.text}`);
      // The reason (provider addresses, model ids, setup hints) is for the owner: status and log.
      // Everyone in the chat gets a plain apology.
      await this.send(
        target,
        reply,
        'Sorry — the agent could not answer this time. Please try again in a little while.',
      );
      return;
    }
    if (answer.text === '') return;
    await this.send(target, reply, answer.text);
  }

  private async runOnce(
    runtime: AgentRunner,
    params: Record<string, unknown>,
  ): Promise<{ ok: boolean; text: string }> {
    // A refusal before the run starts (bad attachments) throws here; the run's own end is `final`.
    return answerOf(await runtime.agent(params).final);
  }

  /** The text the agent reads: the message, then where its files were saved (or why not). */
  private async messageText(
    message: InboundMessage,
    agentId: string,
    sessionKey: string,
    log: Logger,
  ): Promise<string> {
    const notes: string[] = [];
    if (message.media.length > 0) {
      try {
        const dir = await this.deps.activeWorkspace(agentId, sessionKey);
        const staged = await stageInboundMedia(
          dir,
          message.media.map((m) => ({ data: m.data, mimeType: m.mimeType })),
        );
        for (const [i, file] of staged.entries()) {
          const name = message.media[i]?.fileName;
          notes.push(
            `[Attached${name ? ` "${name}"` : ''}: ${file.relativePath} (${file.mimeType}, ${file.bytes} bytes), saved in the workspace]`,
          );
        }
      } catch (err) {
        log.warn('inbound media not saved', { error: errorMessage(err) });
        notes.push(
          `[${message.media.length} attached file(s) could not be saved: ${errorMessage(err)}]`,
        );
      }
    }
    for (const skipped of message.mediaSkipped ?? [])
      notes.push(`[Attachment left out: ${skipped}]`);
    const body =
      message.chatType === 'group' ? `${message.senderLabel}: ${message.text}` : message.text;
    return [body, ...notes].filter((part) => part.trim() !== '').join('\n') || '(empty message)';
  }

  /** Shows typing at once and again every interval until the returned stop is called. */
  private startTyping(target: PipelineAccount, to: OutboundTarget, log: Logger): () => void {
    const tick = () => {
      const connection = target.connection();
      connection
        ?.sendTyping(to)
        .catch((err: unknown) =>
          log.debug('typing indicator failed', { error: errorMessage(err) }),
        );
    };
    tick();
    const timer = setInterval(tick, this.deps.typingIntervalMs());
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /** Sends an answer in pieces, in order; only the first quotes the message. */
  async send(target: PipelineAccount, to: OutboundTarget, text: string): Promise<void> {
    const account = target.account();
    const chunks = chunkText(
      text,
      textLimitOf(target.adapter, account),
      maxLinesOf(target.adapter, account),
    );
    for (const [i, chunk] of chunks.entries()) {
      const connection = target.connection();
      if (!connection) {
        target.noteError('An answer was not delivered: the account is not connected.');
        this.deps.logger.error('answer not delivered: account not connected', {
          channel: account.channel,
          accountId: account.accountId,
        });
        return;
      }
      const { replyToMessageId, ...rest } = to;
      try {
        await connection.sendText(i === 0 && replyToMessageId ? to : rest, chunk);
        target.noteOutbound();
      } catch (err) {
        const why = errorMessage(err);
        target.noteError(`Sending an answer failed: ${why}`);
        this.deps.logger.error('sending an answer failed', {
          channel: account.channel,
          accountId: account.accountId,
          error: why,
          chunk: i + 1,
          of: chunks.length,
        });
        return;
      }
    }
  }
}

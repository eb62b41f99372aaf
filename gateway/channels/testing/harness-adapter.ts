/**
 * (Test-only) An in-process channel adapter for testing the channel core: the core's side of
 * the contract (policy, pairing, sessions, chunking, typing, supervision, status, methods) runs
 * for real against it, with a real gateway and the stand-in model. It stands in for no external
 * service and is not a fake of Telegram, Discord or WhatsApp: the real adapters are tested by
 * their own helpers against crabline (and the link stand-in). A test injects inbound messages,
 * scripts how `connect` behaves per account, drops connections, and reads what was sent.
 */
import {
  ChannelError,
  type AccountConnection,
  type AdapterContext,
  type ChannelAdapter,
  type ChannelId,
  type InboundMessage,
  type OutboundTarget,
  type QrLogin,
  type ResolvedAccount,
} from '../contract.js';

export interface SentMessage {
  accountId: string;
  target: OutboundTarget;
  text: string;
}

type ConnectScript = 'ok' | { fail: 'fatal' | 'transient'; message: string };

interface LiveAccount {
  context: AdapterContext;
  account: ResolvedAccount;
  end: (err?: ChannelError) => void;
}

export class HarnessAdapter implements ChannelAdapter {
  readonly label: string;
  readonly defaults = { textChunkLimit: 4000, mediaMaxMb: 20 };
  readonly sent: SentMessage[] = [];
  readonly typing: Array<{ accountId: string; target: OutboundTarget; at: number }> = [];
  readonly connects: Array<{ accountId: string; at: number }> = [];
  private readonly scripts = new Map<string, ConnectScript[]>();
  private readonly live = new Map<string, LiveAccount>();
  private nextId = 1;
  linked = new Set<string>();
  qr?: { emit(qr: string): void; link(identity: string): void; fail(err: ChannelError): void };

  constructor(
    readonly id: ChannelId,
    readonly textLimit = 4096,
    readonly maxLines?: number,
    private readonly options: { qr?: boolean } = {},
  ) {
    this.label = `${id[0]!.toUpperCase()}${id.slice(1)}`;
    if (options.qr) {
      this.isLinked = async (account) => this.linked.has(account.accountId);
      this.startQrLogin = async (account) => this.newQrLogin(account.accountId);
      this.logout = async (account) => ({ cleared: this.linked.delete(account.accountId) });
    }
  }

  isLinked?: ChannelAdapter['isLinked'];
  startQrLogin?: ChannelAdapter['startQrLogin'];
  logout?: ChannelAdapter['logout'];

  /** The next `connect` calls of this account behave like this, in order (then: ok). */
  script(accountId: string, ...steps: ConnectScript[]): void {
    this.scripts.set(accountId, [...(this.scripts.get(accountId) ?? []), ...steps]);
  }

  validate(account: ResolvedAccount, path: string): string[] {
    if (account.raw.harnessThrow) throw new Error(`validation crashed for ${account.accountId}`);
    return account.raw.harnessInvalid ? [`${path}.harnessInvalid: set for the test`] : [];
  }

  groupRule(account: ResolvedAccount, message: InboundMessage) {
    const groups = (account.raw.groups ?? {}) as Record<
      string,
      { requireMention?: boolean; allowFrom?: string[] }
    >;
    const rule = groups[message.chatId] ?? groups['*'];
    return {
      listed: rule !== undefined,
      requireMention: rule?.requireMention ?? true,
      ...(rule?.allowFrom ? { allowFrom: rule.allowFrom.map(String) } : {}),
    };
  }

  async connect(account: ResolvedAccount, context: AdapterContext): Promise<AccountConnection> {
    this.connects.push({ accountId: account.accountId, at: Date.now() });
    const step = this.scripts.get(account.accountId)?.shift() ?? 'ok';
    if (step !== 'ok') throw new ChannelError(step.message, step.fail);
    let end!: (err?: ChannelError) => void;
    const closed = new Promise<void>((resolve, reject) => {
      end = (err) => (err ? reject(err) : resolve());
    });
    closed.catch(() => {});
    const accountId = account.accountId;
    this.live.set(accountId, { context, account, end });
    context.onStatus({ connected: true, identity: `@harness_${accountId}` });
    return {
      closed,
      sendText: async (target, text) => {
        if (text.length > this.textLimit) throw new Error(`text is too long (${text.length})`);
        this.sent.push({ accountId, target, text });
        return { messageId: String(this.nextId++) };
      },
      sendMedia: async () => ({ messageId: String(this.nextId++) }),
      sendTyping: async (target) => {
        this.typing.push({ accountId, target, at: Date.now() });
      },
      stop: async () => {
        this.live.delete(accountId);
        end();
      },
    };
  }

  isConnected(accountId: string): boolean {
    return this.live.has(accountId);
  }

  /** Ends a live connection as a network drop (transient) or a revoked token (fatal) would. */
  drop(accountId: string, err: ChannelError): void {
    const live = this.live.get(accountId);
    if (!live) throw new Error(`account ${accountId} is not connected`);
    this.live.delete(accountId);
    live.end(err);
  }

  inject(
    accountId: string,
    message: Partial<InboundMessage> & { text: string; senderId: string },
  ): void {
    const live = this.live.get(accountId);
    if (!live) throw new Error(`account ${accountId} is not connected`);
    const chatType = message.chatType ?? 'direct';
    live.context.onInbound({
      channel: this.id,
      accountId,
      chatId: message.chatId ?? `chat-${message.senderId}`,
      chatType,
      senderLabel: message.senderLabel ?? `user ${message.senderId}`,
      messageId: message.messageId ?? `m${this.nextId++}`,
      mentioned: message.mentioned ?? false,
      media: message.media ?? [],
      ...message,
    });
  }

  private newQrLogin(accountId: string): QrLogin {
    const listeners: Array<(qr: string) => void> = [];
    let settle!: { resolve(v: { identity: string }): void; reject(e: Error): void };
    const linked = new Promise<{ identity: string }>((resolve, reject) => {
      settle = { resolve, reject };
    });
    linked.catch(() => {});
    this.qr = {
      emit: (qr) => listeners.forEach((l) => l(qr)),
      link: (identity) => {
        this.linked.add(accountId);
        settle.resolve({ identity });
      },
      fail: (err) => settle.reject(err),
    };
    return {
      onQr: (listener) => listeners.push(listener),
      linked,
      cancel: async () => settle.reject(new ChannelError('cancelled', 'transient')),
    };
  }
}

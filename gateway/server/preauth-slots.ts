/**
 * Bounds on sockets that have upgraded but not yet authenticated. Without them a peer could park
 * any number of sockets for the whole handshake timeout, each holding a frame buffer.
 */
import type { WebSocket } from 'ws';

export interface PreauthLimits {
  perAddress: number;
  total: number;
}

export class PreauthSlots {
  private readonly byAddress = new Map<string, number>();
  private count = 0;

  constructor(private readonly limits: PreauthLimits) {}

  /**
   * Takes a slot for `address`; returns the function that gives it back (idempotent, so both
   * hello and close may call it), or undefined when the address or the gateway is at its limit.
   */
  acquire(address: string): (() => void) | undefined {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.limits.perAddress || this.count >= this.limits.total) return undefined;
    this.byAddress.set(address, held + 1);
    this.count += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.count -= 1;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }

  get size(): number {
    return this.count;
  }
}

/**
 * Raises the frame limit of one socket after hello.
 *
 * Why this way: ws has one `maxPayload` per server, and its receiver compares it with each frame's
 * declared length as soon as the header is read, before any payload is buffered. Constructing the
 * server with the small pre-auth limit therefore bounds a stranger's memory exactly (a header
 * announcing 25 MiB is refused at once with 1009), which counting bytes on the raw socket could
 * only approximate after the fact. The price is one private field (`_receiver._maxPayload`) for
 * the raise; the handshake tests send a large frame after hello, so a ws upgrade that renames it
 * fails there instead of silently capping authenticated clients.
 */
export function raiseMaxPayload(ws: WebSocket, bytes: number): boolean {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') return false;
  receiver._maxPayload = bytes;
  return true;
}

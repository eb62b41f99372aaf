/**
 * The browser's WebSocket behind the reference client's socket contract. Binary frames are not
 * part of the protocol; they are decoded as UTF-8 text so the client's parser rejects them cleanly.
 */
import type {
  GatewayProtocolSocket,
  GatewayProtocolSocketHandlers,
} from '@openclaw/gateway-client/browser';

export type SocketFactory = (
  url: string,
  handlers: GatewayProtocolSocketHandlers,
) => GatewayProtocolSocket;

export const createBrowserSocket: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => handlers.open();
  ws.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (typeof data === 'string') handlers.message(data);
    else if (data instanceof ArrayBuffer) handlers.message(new TextDecoder().decode(data));
  };
  ws.onclose = (event: CloseEvent) => handlers.close(event.code, event.reason);
  // The browser hides the cause of a failed WebSocket; the close event that follows has the code.
  ws.onerror = () => handlers.error(new Error('The connection to the gateway failed.'));
  return {
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send: (data) => ws.send(data),
    close: (code, reason) => {
      try {
        // Browsers only allow 1000 and 3000-4999 from page script.
        const allowed = code === undefined || code === 1000 || (code >= 3000 && code <= 4999);
        ws.close(allowed ? code : 1000, allowed ? reason : undefined);
      } catch {
        ws.close();
      }
    },
  };
};

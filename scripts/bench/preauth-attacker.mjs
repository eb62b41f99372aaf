#!/usr/bin/env node
/**
 * The pre-auth flood of the gateway bench, in a process of its own so the measuring client's
 * event loop does not compete with 50 streaming sockets (that would measure the client, not the
 * gateway). Opens `sockets` WebSocket upgrades to 127.0.0.1:<port>, never sends `connect`, and
 * streams `bytesEach` bytes of one 25 MiB frame on each; stops by itself at the deadline. Prints
 * one JSON line with the counts. Loopback only, bounded in count and time.
 *
 *   node scripts/bench/preauth-attacker.mjs <port> <sockets> <bytesEach> <deadlineMs>
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const [port, sockets, bytesEach, deadlineMs] = process.argv.slice(2).map(Number);
if (![port, sockets, bytesEach, deadlineMs].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('usage: preauth-attacker.mjs <port> <sockets> <bytesEach> <deadlineMs>');
  process.exit(2);
}

const counts = { upgraded: 0, refused: 0, bytesSent: 0 };
const deadline = Date.now() + deadlineMs;
const chunk = Buffer.alloc(64 * 1024, 0x78);
const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x01, 0x90, 0, 0, 0, 0, 0, 0]); // 25 MiB, zero mask
/** @type {net.Socket[]} */
const open = [];

/** @param {net.Socket} socket */
async function stream(socket) {
  let sent = 0;
  socket.write(header);
  while (sent < bytesEach && !socket.destroyed && Date.now() < deadline) {
    sent += chunk.length;
    counts.bytesSent += chunk.length;
    if (!socket.write(chunk)) {
      await new Promise((resolve) => {
        const done = () => resolve(undefined);
        socket.once('drain', done);
        socket.once('close', done);
        setTimeout(done, 500).unref();
      });
    }
  }
}

async function attack() {
  const socket = net.connect({ port, host: '127.0.0.1' });
  open.push(socket);
  socket.on('error', () => {});
  await new Promise((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', resolve);
  });
  if (socket.destroyed) return;
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const status = await new Promise((resolve) => {
    socket.once('data', (d) => resolve(Number(String(d).split(' ')[1])));
    socket.once('close', () => resolve(0));
    setTimeout(() => resolve(0), 5000).unref();
  });
  if (status !== 101) {
    counts.refused += 1;
    socket.destroy();
    return;
  }
  counts.upgraded += 1;
  await stream(socket);
}

await Promise.all(Array.from({ length: sockets }, attack));
// Hold the sockets a moment (the gateway's memory is sampled meanwhile), then let go.
await new Promise((r) => setTimeout(r, 250));
for (const socket of open) socket.destroy();
process.stdout.write(`${JSON.stringify(counts)}\n`);

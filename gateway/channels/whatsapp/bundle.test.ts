/**
 * The image carries only the esbuild bundle (no node_modules): Baileys, its WebAssembly bridge,
 * libsignal and protobufjs must load from it, and the optional image helpers (sharp, jimp) must
 * not be needed. This builds a small entry that reaches the adapter through `import()` (as the
 * channel registry does) with the real build script, runs it from a folder with no node_modules
 * above it, and has it connect to crabline, receive a message and answer it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWhatsAppServer } from '@openclaw/crabline';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const from = (file: string) => JSON.stringify(path.join(ROOT, file));

const PROBE = `
const { whatsappAdapter } = await import(${from('gateway/channels/whatsapp/index.ts')});
const { openAuthStore } = await import(${from('gateway/channels/whatsapp/auth-store.ts')});
const { resolveStatePaths } = await import(${from('gateway/config/paths.ts')});
const { silentLogger } = await import(${from('gateway/infra/logger.ts')});
const env = { ...process.env };
const paths = resolveStatePaths(env);
// crabline cannot link a device: seed a linked identity (the QR flow has its own tests).
const store = await openAuthStore(paths.stateDir + '/credentials/whatsapp/default');
store.state.creds.me = { id: '15550000000:1@s.whatsapp.net', name: 'probe' };
await store.saveCreds();
await store.flush();
const account = { channel: 'whatsapp', accountId: 'default', enabled: true, dmPolicy: 'open',
  allowFrom: ['*'], groupPolicy: 'open', groupAllowFrom: [], textChunkLimit: 4000,
  mediaMaxBytes: 1e7, raw: {} };
let deliver;
const inbound = new Promise((resolve) => (deliver = resolve));
const connection = await whatsappAdapter.connect(account, { logger: silentLogger,
  signal: new AbortController().signal, onInbound: (m) => deliver(m), onStatus: () => {} },
  { config: {}, env, paths });
await fetch(env.PROBE_ADMIN_URL, { method: 'POST', headers: { 'content-type': 'application/json',
  'x-crabline-admin-token': env.PROBE_ADMIN_TOKEN }, body: JSON.stringify({
  chatJid: '15551234567@s.whatsapp.net', senderJid: '15551234567@s.whatsapp.net', text: 'from the bundle?' }) });
const message = await inbound;
const sent = await connection.sendText({ chatId: message.chatId, chatType: 'direct' }, 'yes, from the bundle');
console.log(JSON.stringify({ senderId: message.senderId, text: message.text, sent: sent.messageId }));
await new Promise((resolve) => setTimeout(resolve, 500));
await connection.stop();
process.exit(0);
`;

const temp: string[] = [];
afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

describe('WhatsApp in the gateway bundle', () => {
  it('loads Baileys from the bundle alone and talks to a WhatsApp Web server', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'oc-wa-bundle-'));
    temp.push(dir);
    const entry = path.join(dir, 'probe.ts');
    await writeFile(entry, PROBE);
    const { buildGateway } = (await import(path.join(ROOT, 'scripts/build.mjs'))) as {
      buildGateway(options: { outDir: string; entry: string; quiet: boolean }): Promise<{
        bundle: string;
      }>;
    };
    const { bundle } = await buildGateway({ outDir: path.join(dir, 'out'), entry, quiet: true });
    const chunks = await readdir(path.join(dir, 'out', 'gateway', 'chunks'));
    const code = await Promise.all(
      chunks
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => readFile(path.join(dir, 'out', 'gateway', 'chunks', f), 'utf8')),
    );
    // The optional native image library is replaced, not bundled.
    expect(code.some((c) => c.includes('sharp-libvips'))).toBe(false);

    const recorded: unknown[] = [];
    const server = await startWhatsAppServer({
      recorderPath: path.join(dir, 'crabline.jsonl'),
      onEvent: (event: { body?: unknown }) => {
        const body = event.body as { key?: { fromMe?: boolean }; message?: unknown } | undefined;
        if (body?.key?.fromMe) recorded.push(body.message);
      },
    });
    try {
      const m = server.manifest;
      const child = spawn(process.execPath, [bundle], {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          OPENCLAW_STATE_DIR: path.join(dir, 'state'),
          OPENCLAW_WHATSAPP_WEB_SOCKET_URL: m.endpoints.baileysWebSocketUrl,
          PROBE_ADMIN_URL: m.endpoints.adminInboundUrl,
          PROBE_ADMIN_TOKEN: m.adminToken,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
      expect(JSON.parse(stdout.trim())).toMatchObject({
        senderId: '+15551234567',
        text: 'from the bundle?',
        sent: expect.stringMatching(/\S/) as unknown,
      });
      expect(recorded).toContainEqual({ conversation: 'yes, from the bundle' });
    } finally {
      await server.close();
    }
  }, 120_000);
});

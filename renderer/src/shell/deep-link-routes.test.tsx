/**
 * Every page an `openclaw-desktop://` link can open is a route of this renderer, and every element
 * a link scrolls to carries that id — so the parser in electron/host and the pages cannot drift.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDeepLink } from '../../../electron/host/deep-link/deep-link.js';
import { resolveRoute, shellRoutes } from './routes.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = (file: string) => readFileSync(path.join(SRC, file), 'utf8');

const LINKS = [
  '',
  'dashboard',
  'setup',
  'approvals',
  'logs',
  'diagnostics',
  'sandboxes',
  'settings',
  'chat',
  'sessions',
  'devices',
  'config',
  'control',
  'control/chat',
];

describe('openclaw-desktop:// links and the routes', () => {
  it('every page a link opens is a route (as the shell navigates to it)', () => {
    const routes = shellRoutes(true);
    for (const link of LINKS) {
      const { page, ignored } = parseDeepLink(`openclaw-desktop://${link}`);
      expect(ignored, link).toBeUndefined();
      const appPath = page === 'dashboard' ? '/' : `/${page}`;
      expect(resolveRoute(routes, appPath)?.path, link).toBe(appPath);
    }
  });

  it('every element a link scrolls to exists with that id', () => {
    const settings = [
      'app/pages/settings-page.tsx',
      'app/settings/sandbox-section.tsx',
      'app/settings/model-section.tsx',
    ]
      .map(source)
      .join('\n');
    for (const section of ['sandbox', 'model', 'stack', 'image']) {
      const { focus } = parseDeepLink(`openclaw-desktop://settings/${section}`);
      expect(settings, section).toContain(`id="${focus}"`);
    }
    const { focus } = parseDeepLink('openclaw-desktop://approvals/req-1');
    expect(focus).toBe('approval-req-1');
    expect(source('app/pages/approvals-page.tsx')).toContain(
      'id={`approval-${request.requestId}`}',
    );
  });
});

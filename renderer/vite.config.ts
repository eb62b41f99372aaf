/**
 * The renderer build. One bundle serves three hosts (Electron window, headless host, the gateway's
 * own HTTP server), all with path routing, so assets are addressed from the origin root: a relative
 * base would break on a deep link such as /devices/abc.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../dist/control-ui',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Pages load lazily; the shell, host client and design system are the initial chunk.
    chunkSizeWarningLimit: 400,
  },
});

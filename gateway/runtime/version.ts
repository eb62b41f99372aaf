/** Replaced at bundle time by the build (esbuild `define`); the fallback serves tests and tsx. */
declare const __OPENCLAW_VERSION__: string | undefined;

export const GATEWAY_VERSION: string =
  typeof __OPENCLAW_VERSION__ === 'string' ? __OPENCLAW_VERSION__ : '0.1.0-dev';

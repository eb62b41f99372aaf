// Lint rules, including the import boundaries between parts (ARCHITECTURE.md, "Floors and import rules").
// A boundary is a `no-restricted-imports` pattern per folder, so a wrong import fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** @param {string[]} groups @param {string} message */
function forbid(groups, message) {
  return { 'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench-results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['gateway/**/*.ts'],
    rules: forbid(
      ['**/electron/**', '**/renderer/**', '**/docker/**', 'electron', 'electron/*'],
      'gateway/ runs inside the container: it may import only its own code and npm libraries.',
    ),
  },
  {
    // Tools act through an execution target and never know who runs them or where: no agent
    // loop, server, runtime or sessions (the sandbox target must be a drop-in).
    files: ['gateway/tools/**/*.ts'],
    rules: forbid(
      [
        '**/electron/**',
        '**/renderer/**',
        '**/docker/**',
        'electron',
        'electron/*',
        '**/agent/**',
        '**/server/**',
        '**/runtime/**',
        '**/sessions/**',
      ],
      'gateway/tools may use infra, config and its execution target only (ARCHITECTURE.md, the tools room).',
    ),
  },
  {
    files: ['docker/**/*.ts'],
    rules: forbid(
      ['**/electron/**', '**/renderer/**', 'electron', 'electron/*'],
      'docker/ must stay Electron-free (gateway types only).',
    ),
  },
  {
    // The app brain without Electron. Besides docker/ and the contract it may use the gateway's
    // pure libraries (infra, config, pairing: identity, pairing files; agent/providers for the
    // Model step's one test call with the gateway's own provider code) — never its server/runtime.
    files: ['electron/host/**/*.ts'],
    rules: forbid(
      [
        'electron',
        'electron/*',
        '**/renderer/**',
        '**/electron/main/**',
        '**/electron/preload/**',
        '**/gateway/server/**',
        '**/gateway/runtime/**',
        '**/gateway/cli/**',
      ],
      'electron/host is the app brain without Electron: use docker/, electron/contract and gateway/{infra,config,pairing,agent/providers}.',
    ),
  },
  {
    files: ['electron/contract/**/*.ts'],
    rules: forbid(
      [
        'electron',
        'electron/*',
        'node:*',
        '**/docker/**',
        '**/gateway/**',
        '**/electron/host/**',
        '**/electron/main/**',
        '**/renderer/**',
      ],
      'electron/contract is types and schemas shared by host, main, preload and renderer: no runtime dependencies.',
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: forbid(
      [
        '**/docker/**',
        '**/gateway/**',
        '**/renderer/**',
        '**/electron/main/**',
        '**/electron/host/**',
      ],
      'preload exposes the typed host API only: contract types, no logic.',
    ),
  },
  {
    // The renderer runs in a browser: contract TYPES only (a value import of host-api.ts would
    // bundle TypeBox), @openclaw/gateway-client/browser, and the light gateway-protocol entries.
    // `paths` match exact module names; a bare 'electron' pattern would also match the
    // electron/contract folder (patterns are gitignore-style).
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'renderer code runs in the browser; use the host API (renderer/src/host).',
            },
            {
              name: '@openclaw/gateway-client',
              message: 'use @openclaw/gateway-client/browser in the renderer.',
            },
            {
              name: '@openclaw/gateway-protocol',
              message:
                'the protocol root is ~800 ms of TypeBox: import a light entry (client-info, connect-error-details, version, frame-guards).',
            },
            {
              name: 'typebox',
              message:
                'TypeBox stays out of the renderer bundle (import contract types with `import type`).',
            },
          ],
          patterns: [
            {
              group: [
                '**/docker/**',
                '**/gateway/**',
                '**/electron/main/**',
                '**/electron/host/**',
                '**/electron/preload/**',
                'node:*',
                'typebox/*',
              ],
              message:
                'renderer may import contract types and @openclaw/gateway-client/browser only.',
            },
            {
              group: ['**/electron/contract/host-api*'],
              allowTypeImports: true,
              message:
                'import the host API contract with `import type` (its values are TypeBox schemas).',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests are harnesses: they may start a real gateway or engine from any part.
    files: ['**/*.test.{ts,tsx}', '**/testing/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': 'off' },
  },
);

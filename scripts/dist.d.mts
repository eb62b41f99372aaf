// Types for dist.mjs (imported by the TypeScript tests).
export function unexpectedRequires(source: string): string[];
export function signingLines(env: Record<string, string | undefined>): string[];
export function electronReachable(
  env: Record<string, string | undefined>,
  version: string,
): Promise<{ ok: boolean; url: string; reason: string }>;

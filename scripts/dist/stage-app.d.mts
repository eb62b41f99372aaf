// Types for stage-app.mjs (imported by the TypeScript tests).
import type { PackagedFile } from './package-check.mjs';
export const STACK_FILES: string[];
export const APP_PARTS: string[];
export const STACK_PACKAGES: string[];
export function excluded(relative: string): boolean;
export function stageApp(options: {
  root: string;
  distDir: string;
  appDir: string;
  stackDir: string;
}): Promise<{ app: PackagedFile[]; stack: PackagedFile[] }>;

// Types for package-check.mjs (imported by the TypeScript tests).
export interface PackagedFile {
  path: string;
  bytes: number;
}
export interface PackageBudget {
  allowed: string[];
  maxFiles: number;
  maxBytes: number;
}
export function globToRegExp(glob: string): RegExp;
export function checkPackage(files: PackagedFile[], budget: PackageBudget, label: string): string[];

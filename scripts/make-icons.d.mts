// Types for make-icons.mjs (imported by the TypeScript tests).
export const ICON_DIR: string;
export const LINUX_SIZES: number[];
export const ICO_SIZES: number[];
export const ICNS_SIZES: number[];
export function iconFiles(): Map<string, Buffer>;

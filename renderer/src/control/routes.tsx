/**
 * Placeholder: the Control UI pages (gateway-only) replace this file with their real routes.
 * The shell mounts whatever this exports under the "Control UI" navigation section.
 */
import type { ReactNode } from 'react';

export interface ControlRoute {
  path: string;
  title: string;
  icon?: string;
  element: ReactNode;
  section: 'control';
}

export const controlRoutes: Array<ControlRoute> = [];

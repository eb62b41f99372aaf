/**
 * How the desktop app presents itself to the gateway. The bootstrap (which writes the app's paired
 * record) and the operator connection (which connects with it) must agree on every pinned value —
 * role, scopes, platform — or the gateway would ask for a scope or metadata upgrade on the first
 * connect, so both read them from here.
 *
 * Client id: `gateway-client`, the protocol's id for "a program built on the reference client".
 * `openclaw-macos` / `openclaw-linux` name upstream's own native apps (and there is no Windows
 * one); claiming them would make a gateway apply policy meant for software we are not. Mode: `ui`,
 * because the app is an interactive operator surface for a person (approvals, status), not a
 * headless `backend` service — and `backend` is what gateways treat as a trusted local process
 * that may skip pairing, which the app neither needs (it pairs explicitly) nor should claim.
 */
import {
  GATEWAY_CLIENT_IDS,
  GATEWAY_CLIENT_MODES,
  type GatewayClientId,
  type GatewayClientMode,
} from '@openclaw/gateway-protocol/client-info';

export const OPERATOR_ROLE = 'operator';

export const OPERATOR_CLIENT_ID: GatewayClientId = GATEWAY_CLIENT_IDS.GATEWAY_CLIENT;
export const OPERATOR_CLIENT_MODE: GatewayClientMode = GATEWAY_CLIENT_MODES.UI;
export const OPERATOR_DISPLAY_NAME = 'OpenClaw Desktop';

/** Everything the app does: status (read), chat (write), config (admin), approvals, pairing. */
export const OPERATOR_SCOPES: readonly string[] = [
  'operator.admin',
  'operator.read',
  'operator.write',
  'operator.approvals',
  'operator.pairing',
];

/** The platform string the app reports and the gateway pins (`darwin`, `win32`, `linux`). */
export function operatorPlatform(): string {
  return process.platform;
}

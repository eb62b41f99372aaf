/**
 * App updates as the UI sees them: where the update flow stands (checking, asking, downloading
 * with progress, ready to restart, or why this copy does not update itself).
 */
import { Type, type Static } from 'typebox';

export const UpdateStateSchema = Type.Union([
  Type.Object({ state: Type.Literal('unsupported'), reason: Type.String() }),
  Type.Object({ state: Type.Literal('idle') }),
  Type.Object({ state: Type.Literal('checking') }),
  Type.Object({ state: Type.Literal('up-to-date'), checkedAt: Type.Number() }),
  Type.Object({ state: Type.Literal('available'), version: Type.String() }),
  Type.Object({ state: Type.Literal('skipped'), version: Type.String() }),
  Type.Object({
    state: Type.Literal('downloading'),
    version: Type.String(),
    percent: Type.Number(),
    bytesPerSecond: Type.Number(),
    transferred: Type.Number(),
    total: Type.Number(),
  }),
  Type.Object({ state: Type.Literal('downloaded'), version: Type.String() }),
  /** A .deb the app cannot install itself (no graphical admin prompt): the link and the command. */
  Type.Object({
    state: Type.Literal('manual'),
    version: Type.String(),
    url: Type.String(),
    command: Type.String(),
    why: Type.String(),
  }),
  Type.Object({ state: Type.Literal('error'), message: Type.String() }),
]);
export type UpdateState = Static<typeof UpdateStateSchema>;

export const UpdateViewSchema = Type.Object({
  currentVersion: Type.String(),
  /** `latest`, or the pre-release tag of this version (`beta` for 1.2.0-beta.3). */
  channel: Type.String(),
  autoCheck: Type.Boolean(),
  lastCheckedAt: Type.Optional(Type.Number()),
  status: UpdateStateSchema,
});
export type UpdateView = Static<typeof UpdateViewSchema>;

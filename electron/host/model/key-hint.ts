/**
 * A stored key shown without revealing it: its prefix up to the first dash (`sk-`, `sk-ant-`,
 * `sk-or-`) and its last four characters, `sk-…abcd`. Short keys show only the last two.
 */
export function keyHint(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length < 12) return `…${trimmed.slice(-2)}`;
  const dash = /^([A-Za-z]{2,6}-(?:[a-z]{2,6}-)?)/.exec(trimmed);
  const prefix = dash && dash[1]!.length <= 8 ? dash[1] : '';
  return `${prefix}…${trimmed.slice(-4)}`;
}

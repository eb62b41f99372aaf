// @ts-check
/**
 * The packaged file list and size against build/package-budget.json: a file no pattern allows, or
 * more files or bytes than budgeted, fails `npm run dist` (and the test that stages the app), so
 * a dev dependency, a test or a source map that slips into the installer is caught before users
 * download it. Growing on purpose means raising the budget in the same commit.
 */

/** `*` matches within one path segment, `**` across segments. */
export function globToRegExp(glob) {
  const source = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/**
 * @param {{path: string, bytes: number}[]} files
 * @param {{ allowed: string[], maxFiles: number, maxBytes: number }} budget
 * @param {string} label
 * @returns {string[]} problems, each a sentence saying what to do
 */
export function checkPackage(files, budget, label) {
  const patterns = budget.allowed.map(globToRegExp);
  const problems = [];
  const strangers = files.filter((f) => !patterns.some((re) => re.test(f.path)));
  if (strangers.length > 0) {
    const names = strangers.slice(0, 10).map((f) => f.path);
    problems.push(
      `${label}: ${strangers.length} file(s) no pattern in build/package-budget.json allows (${names.join(', ')}${strangers.length > 10 ? ', …' : ''}). Keep them out of the package, or allow them there on purpose.`,
    );
  }
  if (files.length > budget.maxFiles)
    problems.push(
      `${label}: ${files.length} files, over the budget of ${budget.maxFiles}. Find what was added, or raise maxFiles in build/package-budget.json on purpose.`,
    );
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  if (bytes > budget.maxBytes)
    problems.push(
      `${label}: ${(bytes / 1e6).toFixed(1)} MB, over the budget of ${(budget.maxBytes / 1e6).toFixed(1)} MB. Find what grew, or raise maxBytes in build/package-budget.json on purpose.`,
    );
  return problems;
}

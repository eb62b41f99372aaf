// @ts-check
/**
 * Windows signing hook (`win.signtoolOptions.sign`), used when OPENCLAW_WIN_SIGN_COMMAND is set:
 * runs that command with the file to sign as its last argument, e.g. a cloud signing tool.
 * Without it electron-builder signs with WIN_CSC_LINK, or leaves the build unsigned.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- electron-builder loads hooks with require()
const { execFileSync } = require('node:child_process');

/** @param {{ path: string }} configuration */
module.exports = async function sign(configuration) {
  const command = process.env.OPENCLAW_WIN_SIGN_COMMAND;
  if (!command) throw new Error('OPENCLAW_WIN_SIGN_COMMAND is not set');
  const [program, ...args] = command.split(' ').filter(Boolean);
  execFileSync(program, [...args, configuration.path], { stdio: 'inherit' });
};

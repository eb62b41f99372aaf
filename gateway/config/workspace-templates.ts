/**
 * Starter texts for a new agent workspace. Each file is read by the agent at the start of a
 * session; these say what the file is for so the user (or the agent) can fill it in. Our own
 * wording, intentionally short: users are expected to rewrite them. Onboarding, the first run
 * in a new workspace and a sandbox's own folder all start from these same files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { systemErrorCode } from '../infra/errors.js';

export interface WorkspaceTemplate {
  name: string;
  text: string;
  /** Seeded only into a workspace that has none of the other files (a first-run ritual). */
  firstRunOnly?: boolean;
}

export const WORKSPACE_TEMPLATES: readonly WorkspaceTemplate[] = [
  {
    name: 'AGENTS.md',
    text: `# AGENTS.md — how to work here

This folder is your workspace and your memory between sessions.

- Read SOUL.md, USER.md and IDENTITY.md at the start of each session.
- Keep notes about ongoing work in memory/YYYY-MM-DD.md, one file per day.
- Ask before doing anything destructive or anything that leaves this machine.
- Edit this file when you learn a rule worth keeping.
`,
  },
  {
    name: 'SOUL.md',
    text: `# SOUL.md — character

Describe the assistant's temperament and values here: how direct to be, when to push back,
what tone to take. Keep it short; it is read at the start of every session.
`,
  },
  {
    name: 'USER.md',
    text: `# USER.md — about the person you help

Name, time zone, preferred language, how they like answers (brief or detailed), and anything
they asked you to remember about them.
`,
  },
  {
    name: 'IDENTITY.md',
    text: `# IDENTITY.md — who the assistant is

- Name:
- Emoji:
- One-line description:
`,
  },
  {
    name: 'TOOLS.md',
    text: `# TOOLS.md — local notes on tools

Which tools and commands exist on this machine, where things live, and conventions to follow
when using them (for example: "run tests with npm test", "never push to main").
`,
  },
  {
    name: 'HEARTBEAT.md',
    text: `# HEARTBEAT.md — periodic checks

Tasks to look at on each heartbeat (a scheduled wake-up without a user message). Leave this file
without tasks to skip heartbeat work.
`,
  },
  {
    name: 'BOOTSTRAP.md',
    firstRunOnly: true,
    text: `# BOOTSTRAP.md — first conversation

This workspace is new. In the first session, get to know the user, then fill in USER.md,
IDENTITY.md and SOUL.md together. Delete this file when that is done.
`,
  },
];

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * Writes the starter files missing from `dir` (made if needed) and returns their names. Existing
 * files are never touched (`wx` also loses a race to another writer). `BOOTSTRAP.md` is deleted
 * once its ritual is done, so only a workspace with none of the other files gets it again.
 */
export async function writeWorkspaceTemplates(dir: string): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const regular = WORKSPACE_TEMPLATES.filter((t) => !t.firstRunOnly);
  const present = await Promise.all(regular.map((t) => exists(path.join(dir, t.name))));
  const brandNew = present.every((e) => !e);
  const written: string[] = [];
  for (const template of WORKSPACE_TEMPLATES) {
    if (template.firstRunOnly && !brandNew) continue;
    try {
      await fs.writeFile(path.join(dir, template.name), template.text, { flag: 'wx' });
      written.push(template.name);
    } catch (err) {
      if (systemErrorCode(err) !== 'EEXIST') throw err;
    }
  }
  return written;
}

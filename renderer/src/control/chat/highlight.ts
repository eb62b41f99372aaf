/**
 * Syntax highlighting for code blocks in answers: highlight.js core with the languages agents
 * write most, registered by hand so it does not carry all ~190 grammars. This module is its own
 * chunk, loaded on the first code block (see `code-block.tsx`): a chat without code never pays.
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = {
  bash,
  css,
  diff,
  go,
  javascript,
  json,
  python,
  rust,
  shell,
  typescript,
  xml,
  yaml,
};

for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);
hljs.registerAliases(['sh', 'zsh', 'console'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

export interface Highlighted {
  /** highlight.js output: the code with every character escaped, wrapped in `hljs-*` spans. */
  html: string;
  language: string | undefined;
}

/** Highlight `code` in `language` when it is one we know; plain (escaped) text otherwise. */
export function highlightCode(code: string, language: string | undefined): Highlighted | null {
  const lang = language?.toLowerCase();
  if (!lang || !hljs.getLanguage(lang)) return null;
  try {
    return {
      html: hljs.highlight(code, { language: lang, ignoreIllegals: true }).value,
      language: lang,
    };
  } catch {
    return null;
  }
}

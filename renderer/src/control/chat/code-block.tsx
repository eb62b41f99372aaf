/**
 * A fenced code block in an answer: language, a copy button, and the code — plain at once, then
 * highlighted once the highlighter chunk has loaded (it loads on the first block of the session).
 */
import { useEffect, useMemo, useState } from 'react';
import { CopyButton } from '../../ui/index.js';

type Highlighter = typeof import('./highlight.js');

let loaded: Highlighter | null = null;
let loading: Promise<Highlighter | null> | null = null;

function loadHighlighter(): Promise<Highlighter | null> {
  loading ??= import('./highlight.js').then(
    (m) => (loaded = m),
    // Without highlighting the code still shows (plain); try again on the next block.
    () => {
      loading = null;
      return null;
    },
  );
  return loading;
}

function useHighlighter(): Highlighter | null {
  const [module, setModule] = useState(loaded);
  useEffect(() => {
    if (module) return;
    let live = true;
    void loadHighlighter().then((m) => {
      if (live && m) setModule(m);
    });
    return () => {
      live = false;
    };
  }, [module]);
  return module;
}

export function CodeBlock({ language, code }: { language: string | undefined; code: string }) {
  const highlighter = useHighlighter();
  const highlighted = useMemo(
    () => highlighter?.highlightCode(code, language) ?? null,
    [highlighter, code, language],
  );
  return (
    <div className="chat-code">
      <div className="chat-code__bar">
        <span className="chat-code__lang">{language ?? 'text'}</span>
        <CopyButton text={code} label="Copy code" />
      </div>
      <pre className="chat-code__pre">
        {highlighted ? (
          // highlight.js escapes every character of the code; only its own spans are markup.
          <code
            className={`hljs language-${highlighted.language}`}
            dangerouslySetInnerHTML={{ __html: highlighted.html }}
          />
        ) : (
          <code>{code}</code>
        )}
      </pre>
    </div>
  );
}

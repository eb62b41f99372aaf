/**
 * Answers as Markdown (GFM: tables, task lists, strikethrough, autolinks) through react-markdown.
 * Raw HTML in an answer is never rendered (react-markdown drops it without rehype-raw, and
 * `skipHtml` makes that explicit); link targets go through its URL filter (no `javascript:`).
 */
import { memo, type ReactNode } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block.js';

function textOf(node: ReactNode): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return '';
}

const COMPONENTS: Components = {
  pre: ({ children }) => <>{children}</>,
  code: ({ className, children }) => {
    const language = /language-([\w+#.-]+)/.exec(className ?? '')?.[1];
    const code = textOf(children);
    // Fenced blocks end with a newline (and carry a language class); inline code does neither.
    if (language || code.includes('\n')) {
      return <CodeBlock language={language} code={code.replace(/\n$/, '')} />;
    }
    return <code className="chat-inline-code">{children}</code>;
  },
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
  table: ({ children }) => (
    <div className="chat-table-wrap">
      <table>{children}</table>
    </div>
  ),
  img: ({ alt }) => <span className="chat-img-alt">{alt ? `[image: ${alt}]` : '[image]'}</span>,
};

const PLUGINS = [remarkGfm];

export const MarkdownText = memo(function MarkdownText({ text }: { text: string }) {
  return (
    <div className="chat-md">
      <Markdown remarkPlugins={PLUGINS} components={COMPONENTS} skipHtml>
        {text}
      </Markdown>
    </div>
  );
});

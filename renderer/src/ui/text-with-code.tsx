/**
 * A sentence from the host or the gateway with `backticked` commands ("`docker-compose` 1.29.2",
 * "run `openclaw devices approve …`"): the backticks mark code in those texts, so they are drawn
 * as inline code instead of showing as literal backticks.
 */
export function TextWithCode({ text }: { text: string }) {
  return (
    <>
      {text.split(/(`[^`\n]+`)/).map((part, i) =>
        part.length > 2 && part.startsWith('`') && part.endsWith('`') ? (
          <code key={i} className="ui-code-inline">
            {part.slice(1, -1)}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

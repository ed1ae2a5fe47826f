/** The document's descriptions are Markdown-ish: `code` spans become <code>, the rest is text. */
export function InlineCode({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="font-mono text-[0.9em]">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}

"use client";

// The message's body as rich text (Lexical): bold, italic, headings, quotes, lists and links,
// from a labelled toolbar or the usual shortcuts. Its HTML is kept in a hidden `html` input, so
// the form posts it like any field; the server sanitizes it and derives the text part.
import { $generateHtmlFromNodes, $generateNodesFromDOM } from "@lexical/html";
import {
  $createLinkNode,
  $isLinkNode,
  $toggleLink,
  LinkNode,
  TOGGLE_LINK_COMMAND,
} from "@lexical/link";
import {
  $isListNode,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  ListItemNode,
  ListNode,
  REMOVE_LIST_COMMAND,
} from "@lexical/list";
import { LexicalComposer } from "@lexical/react/LexicalComposer";
import { useLexicalComposerContext } from "@lexical/react/LexicalComposerContext";
import { ContentEditable } from "@lexical/react/LexicalContentEditable";
import { LexicalErrorBoundary } from "@lexical/react/LexicalErrorBoundary";
import { HistoryPlugin } from "@lexical/react/LexicalHistoryPlugin";
import { LinkPlugin } from "@lexical/react/LexicalLinkPlugin";
import { ListPlugin } from "@lexical/react/LexicalListPlugin";
import { RichTextPlugin } from "@lexical/react/LexicalRichTextPlugin";
import {
  $createHeadingNode,
  $createQuoteNode,
  $isHeadingNode,
  $isQuoteNode,
  HeadingNode,
  QuoteNode,
} from "@lexical/rich-text";
import { $setBlocksType } from "@lexical/selection";
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $insertNodes,
  $isElementNode,
  $isRangeSelection,
  $setSelection,
  BLUR_COMMAND,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  type BaseSelection,
  type EditorThemeClasses,
  type LexicalEditor,
  type RangeSelection,
} from "lexical";
import { useEffect, useRef, useState } from "react";
import { htmlFromPlainText } from "@/lib/mail/html-from-plain-text";

const theme: EditorThemeClasses = {
  paragraph: "my-2",
  heading: { h2: "mt-3 mb-2 text-lg font-semibold" },
  quote:
    "my-2 border-l-4 border-zinc-300 pl-3 text-zinc-700 dark:border-zinc-600 dark:text-zinc-300",
  list: { ul: "my-2 list-disc pl-6", ol: "my-2 list-decimal pl-6", listitem: "my-1" },
  link: "text-blue-700 underline dark:text-blue-300",
  text: { bold: "font-bold", italic: "italic", underline: "underline" },
};

type Block = "paragraph" | "h2" | "quote" | "bullet" | "number";
interface ToolbarState {
  bold: boolean;
  italic: boolean;
  block: Block;
  link: boolean;
}

/** Only web and mail links: anything else (javascript:, data:) is not a link in an email. */
function linkHref(raw: string): string | null {
  const value = raw.trim();
  if (!value) return null;
  if (/^(https?:\/\/|mailto:)/i.test(value)) return value;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return `mailto:${value}`;
  if (/^[\w-]+(\.[\w-]+)+([/?#]\S*)?$/.test(value)) return `https://${value}`;
  return null;
}

export function BodyEditor({
  initialHtml,
  initialText,
  error,
}: {
  /** The editor opens with this HTML (a copy of a sent message, a restored draft)… */
  initialHtml?: string;
  /** …or, without HTML, with this plain text as paragraphs. */
  initialText?: string;
  error?: string;
}) {
  const startHtml = initialHtml || (initialText ? htmlFromPlainText(initialText) : "");
  const [html, setHtml] = useState(startHtml);
  const hidden = useRef<HTMLInputElement>(null);
  const first = useRef(true);

  // Tell the form its message changed (drafts and the leave warning listen for input events).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    hidden.current?.dispatchEvent(new Event("input", { bubbles: true }));
  }, [html]);

  return (
    <div>
      <span id="text-label" className="text-sm font-medium">
        Message
      </span>
      <LexicalComposer
        initialConfig={{
          namespace: "compose",
          theme,
          nodes: [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode],
          onError: (e: Error) => {
            throw e;
          },
          editorState: (editor: LexicalEditor) => {
            // The server renders an empty editor; the browser fills it (no DOMParser on the server).
            if (!startHtml || typeof DOMParser === "undefined") return;
            const dom = new DOMParser().parseFromString(startHtml, "text/html");
            const nodes = $generateNodesFromDOM(editor, dom);
            $getRoot().clear().select();
            $insertNodes(nodes);
          },
        }}
      >
        <div
          className={`mt-1 rounded-md border bg-white shadow-sm focus-within:border-blue-500 focus-within:outline-2 focus-within:outline-blue-500 dark:bg-zinc-900 ${
            error ? "border-red-500" : "border-zinc-300 dark:border-zinc-700"
          }`}
        >
          <Toolbar />
          <div className="relative">
            <RichTextPlugin
              contentEditable={
                <ContentEditable
                  id="text"
                  ariaLabelledBy="text-label"
                  ariaMultiline
                  ariaInvalid={!!error}
                  ariaDescribedBy={error ? "text-error" : "text-hint"}
                  className="min-h-48 px-3 py-2 text-sm leading-relaxed outline-none"
                />
              }
              ErrorBoundary={LexicalErrorBoundary}
            />
          </div>
        </div>
        <HistoryPlugin />
        <ListPlugin />
        <LinkPlugin validateUrl={(url) => linkHref(url) === url} />
        <HtmlSync onChange={setHtml} />
        <ReleaseSelectionOnBlur />
      </LexicalComposer>
      <input ref={hidden} type="hidden" name="html" value={html} />
      {!error && (
        <p id="text-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Sent as formatted text with a plain-text copy. Ctrl/⌘ + B bold, I italic.
        </p>
      )}
      {error && (
        <p id="text-error" className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The selection a toolbar button acts on: the person's, or — when the editor has not had the
 * focus yet, or the selection sits on the root — the end of the last paragraph.
 */
function $textSelection(): RangeSelection {
  const current = $getSelection();
  if ($isRangeSelection(current) && current.anchor.getNode() !== $getRoot()) return current;
  const last = $getRoot().getLastChild();
  if ($isElementNode(last)) return last.selectEnd();
  const paragraph = $createParagraphNode();
  $getRoot().append(paragraph);
  return paragraph.selectEnd();
}

/** The editor's content as HTML after every change ("" while it holds no text). */
function HtmlSync({ onChange }: { onChange: (html: string) => void }) {
  const [editor] = useLexicalComposerContext();
  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState, dirtyElements, dirtyLeaves }) => {
        if (dirtyElements.size === 0 && dirtyLeaves.size === 0) return; // selection only
        editorState.read(() => {
          const empty = $getRoot().getTextContent().trim() === "";
          onChange(empty ? "" : $generateHtmlFromNodes(editor, null));
        });
      }),
    [editor, onChange],
  );
  return null;
}

/**
 * Forgets the editor's selection when the focus leaves it. Lexical puts the focus back into the
 * editor when it commits an update that carries a selection; kept after a blur, that pulled the
 * focus away from the form's error summary after a refused send.
 */
function ReleaseSelectionOnBlur() {
  const [editor] = useLexicalComposerContext();
  useEffect(
    () =>
      editor.registerCommand(
        BLUR_COMMAND,
        () => {
          editor.update(() => $setSelection(null));
          return false;
        },
        COMMAND_PRIORITY_LOW,
      ),
    [editor],
  );
  return null;
}

const buttonClass =
  "rounded px-2 py-1 text-sm text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-blue-600 aria-pressed:bg-zinc-200 aria-pressed:text-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-700 dark:aria-pressed:text-white";

function Toolbar() {
  const [editor] = useLexicalComposerContext();
  const [state, setState] = useState<ToolbarState>({
    bold: false,
    italic: false,
    block: "paragraph",
    link: false,
  });
  const [linkOpen, setLinkOpen] = useState(false);
  const saved = useRef<BaseSelection | null>(null);

  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState }) =>
        editorState.read(() => {
          const selection = $getSelection();
          if (!$isRangeSelection(selection)) return;
          const node = selection.anchor.getNode();
          const top = node.getKey() === "root" ? null : node.getTopLevelElement();
          let block: Block = "paragraph";
          if ($isHeadingNode(top)) block = "h2";
          else if ($isQuoteNode(top)) block = "quote";
          else if ($isListNode(top)) block = top.getListType() === "number" ? "number" : "bullet";
          const parent = node.getParent();
          setState({
            bold: selection.hasFormat("bold"),
            italic: selection.hasFormat("italic"),
            block,
            link: $isLinkNode(parent) || $isLinkNode(node),
          });
        }),
      ),
    [editor],
  );

  function setBlock(next: Block) {
    editor.update(() => {
      const selection = $textSelection();
      if (next === "bullet" || next === "number") return;
      const target = state.block === next ? "paragraph" : next;
      $setBlocksType(selection, () =>
        target === "h2"
          ? $createHeadingNode("h2")
          : target === "quote"
            ? $createQuoteNode()
            : $createParagraphNode(),
      );
    });
    if (next === "bullet" || next === "number") {
      editor.dispatchCommand(
        state.block === next
          ? REMOVE_LIST_COMMAND
          : next === "bullet"
            ? INSERT_UNORDERED_LIST_COMMAND
            : INSERT_ORDERED_LIST_COMMAND,
        undefined,
      );
    }
  }

  function openLink() {
    if (state.link) {
      editor.dispatchCommand(TOGGLE_LINK_COMMAND, null);
      return;
    }
    saved.current = editor.getEditorState().read(() => $getSelection()?.clone() ?? null);
    setLinkOpen(true);
  }

  function applyLink(raw: string): boolean {
    const href = linkHref(raw);
    if (!href) return false;
    editor.update(() => {
      if (saved.current) $setSelection(saved.current.clone());
      const selection = $getSelection();
      if ($isRangeSelection(selection) && !selection.isCollapsed()) {
        $toggleLink(href);
      } else {
        // No text chosen: the address itself becomes the link's text.
        const label = href.replace(/^mailto:/, "");
        $insertNodes([$createLinkNode(href).append($createTextNode(label))]);
      }
    });
    setLinkOpen(false);
    editor.getRootElement()?.focus({ preventScroll: true });
    return true;
  }

  const tools: { label: string; pressed: boolean; run: () => void; text: string }[] = [
    {
      label: "Bold",
      pressed: state.bold,
      run: () => editor.dispatchCommand(FORMAT_TEXT_COMMAND, "bold"),
      text: "B",
    },
    {
      label: "Italic",
      pressed: state.italic,
      run: () => editor.dispatchCommand(FORMAT_TEXT_COMMAND, "italic"),
      text: "I",
    },
    { label: "Heading", pressed: state.block === "h2", run: () => setBlock("h2"), text: "H" },
    { label: "Quote", pressed: state.block === "quote", run: () => setBlock("quote"), text: "❝" },
    {
      label: "Bulleted list",
      pressed: state.block === "bullet",
      run: () => setBlock("bullet"),
      text: "•",
    },
    {
      label: "Numbered list",
      pressed: state.block === "number",
      run: () => setBlock("number"),
      text: "1.",
    },
    { label: "Link", pressed: state.link, run: openLink, text: "Link" },
  ];

  return (
    <div className="border-b border-zinc-200 dark:border-zinc-700">
      <div
        role="toolbar"
        aria-label="Formatting"
        aria-controls="text"
        className="flex flex-wrap gap-1 p-1"
      >
        {tools.map((tool) => (
          <button
            key={tool.label}
            type="button"
            aria-label={tool.label}
            aria-pressed={tool.pressed}
            title={tool.label}
            // Keep the editor's selection: the button acts on it.
            onMouseDown={(e) => e.preventDefault()}
            onClick={tool.run}
            className={`${buttonClass} ${tool.label === "Bold" ? "font-bold" : ""} ${tool.label === "Italic" ? "italic" : ""}`}
          >
            {tool.text}
          </button>
        ))}
      </div>
      {linkOpen && <LinkForm onApply={applyLink} onCancel={() => setLinkOpen(false)} />}
    </div>
  );
}

/** The link's address, asked for inline (not in a prompt), so it can be read and corrected. */
function LinkForm({
  onApply,
  onCancel,
}: {
  onApply: (url: string) => boolean;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState("");
  const [invalid, setInvalid] = useState(false);
  const apply = () => setInvalid(!onApply(url));
  return (
    <div className="flex flex-wrap items-center gap-2 border-t border-zinc-200 p-2 dark:border-zinc-700">
      <label htmlFor="link-url" className="text-sm">
        Link address
      </label>
      <input
        id="link-url"
        type="text"
        inputMode="url"
        autoFocus
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        onKeyDown={(e) => {
          // Enter applies the link here; it must not send the message.
          if (e.key === "Enter") {
            e.preventDefault();
            e.stopPropagation();
            apply();
          } else if (e.key === "Escape") {
            e.preventDefault();
            onCancel();
          }
        }}
        aria-invalid={invalid}
        aria-describedby={invalid ? "link-url-error" : undefined}
        placeholder="https://example.com"
        className="min-w-0 flex-1 basis-40 rounded border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      />
      <button type="button" onClick={apply} className={buttonClass}>
        Add link
      </button>
      <button type="button" onClick={onCancel} className={buttonClass}>
        Cancel
      </button>
      {invalid && (
        <p
          id="link-url-error"
          role="alert"
          className="w-full text-sm text-red-600 dark:text-red-400"
        >
          Give a web address (https://…) or an email address.
        </p>
      )}
    </div>
  );
}

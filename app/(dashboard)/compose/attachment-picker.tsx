"use client";

// Compose's attachments: files chosen with the picker or dropped onto the form are uploaded at
// once (app/api/uploads), each with its own progress bar, and the message is sent with their
// upload ids (the hidden "attachments" field). The total is counted as Gmail counts it, encoded
// (base64 adds a third, plus line breaks), and a file that would take it past 25 MB is refused
// here, before a byte of it is uploaded.
import { useEffect, useRef, useState } from "react";
import { FieldError } from "../../components/form-errors";
import {
  encodedAttachmentBytes,
  formatMegabytes,
  MAX_MESSAGE_BYTES,
  MESSAGE_OVERHEAD_BYTES,
} from "@/lib/mail/message-limits";

interface Attached {
  key: number;
  name: string;
  size: number;
  /** Uploaded fraction, 0 to 1. */
  progress: number;
  /** The upload's id once the server has all of it. */
  id?: string;
  error?: string;
  request?: XMLHttpRequest;
}

let nextKey = 1;

export function AttachmentPicker({ error }: { error?: string }) {
  const [files, setFiles] = useState<Attached[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [dragging, setDragging] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const filesRef = useRef(files);
  filesRef.current = files;

  const kept = files.filter((f) => !f.error);
  const totalBytes =
    kept.length === 0
      ? 0
      : MESSAGE_OVERHEAD_BYTES + kept.reduce((sum, f) => sum + encodedAttachmentBytes(f.size), 0);
  const uploading = kept.some((f) => !f.id);

  const update = (key: number, change: Partial<Attached>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const upload = (file: File, key: number) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/uploads?filename=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    request.upload.onprogress = (e) => {
      if (e.lengthComputable) update(key, { progress: e.loaded / e.total });
    };
    request.onload = () => {
      const body = parse(request.responseText);
      if (request.status === 201 && typeof body?.id === "string") {
        update(key, { id: body.id, progress: 1, request: undefined });
      } else {
        const message = body?.error?.message ?? `The upload failed (${request.status}).`;
        update(key, { error: message, request: undefined });
      }
    };
    request.onerror = () =>
      update(key, { error: "The upload failed: the connection was lost.", request: undefined });
    request.send(file);
    return request;
  };

  const add = (list: FileList | File[]) => {
    let total = Math.max(totalBytes, MESSAGE_OVERHEAD_BYTES);
    const refused: string[] = [];
    const added: Attached[] = [];
    for (const file of Array.from(list)) {
      const encoded = encodedAttachmentBytes(file.size);
      if (total + encoded > MAX_MESSAGE_BYTES) {
        refused.push(
          `${file.name} (${formatMegabytes(file.size)}) was not attached: with it the message would be ${formatMegabytes(total + encoded)} once encoded, over Gmail's ${formatMegabytes(MAX_MESSAGE_BYTES)}.`,
        );
        continue;
      }
      total += encoded;
      const key = nextKey++;
      added.push({
        key,
        name: file.name,
        size: file.size,
        progress: 0,
        request: upload(file, key),
      });
    }
    setRefusals(refused);
    if (added.length) setFiles((all) => [...all, ...added]);
  };

  const remove = (file: Attached) => {
    file.request?.abort();
    // Not counted against the user's uploads any more (the server deletes it after a day anyway).
    if (file.id) void fetch(`/api/uploads/${file.id}`, { method: "DELETE" }).catch(() => undefined);
    setFiles((all) => all.filter((f) => f.key !== file.key));
  };

  // Files dropped anywhere on the form are attached; a send waits for the uploads to finish.
  useEffect(() => {
    const form = root.current?.closest("form");
    if (!form) return;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes("Files") ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!form.contains(e.relatedTarget as Node | null)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      if (e.dataTransfer) addRef.current(e.dataTransfer.files);
    };
    const submit = (e: SubmitEvent) => {
      if (!filesRef.current.some((f) => !f.error && !f.id)) return;
      // Stopped before React's handler: the message would otherwise go without these files.
      e.preventDefault();
      e.stopPropagation();
      setRefusals(["Wait for the files to finish uploading, then send."]);
    };
    form.addEventListener("dragover", over);
    form.addEventListener("dragleave", leave);
    form.addEventListener("drop", drop);
    form.addEventListener("submit", submit);
    return () => {
      form.removeEventListener("dragover", over);
      form.removeEventListener("dragleave", leave);
      form.removeEventListener("drop", drop);
      form.removeEventListener("submit", submit);
    };
  }, []);
  const addRef = useRef(add);
  addRef.current = add;

  const describedBy = [error && "attachments-error", "attachments-total"].filter(Boolean).join(" ");
  return (
    <div ref={root}>
      <span className="text-sm font-medium" id="attachments-label">
        Attachments
      </span>
      <div
        className={`mt-1 rounded-md border border-dashed p-3 text-sm ${
          dragging
            ? "border-blue-500 bg-blue-50 dark:bg-blue-950"
            : "border-zinc-300 dark:border-zinc-700"
        }`}
      >
        <div className="flex flex-wrap items-center gap-3">
          <input
            id="attachments"
            type="file"
            multiple
            className="peer sr-only"
            aria-labelledby="attachments-label attachments-button"
            aria-describedby={describedBy}
            aria-invalid={!!error}
            onChange={(e) => {
              if (e.currentTarget.files) add(e.currentTarget.files);
              // The same file can be chosen again after it is removed.
              e.currentTarget.value = "";
            }}
          />
          <label
            id="attachments-button"
            htmlFor="attachments"
            className="cursor-pointer rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-medium shadow-sm hover:bg-zinc-50 peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-800 dark:hover:bg-zinc-700"
          >
            Attach files
          </label>
          <span className="text-zinc-600 dark:text-zinc-400">or drop them on the form</span>
        </div>
        <p id="attachments-total" className="mt-2 text-zinc-600 dark:text-zinc-400">
          {formatMegabytes(totalBytes)} of {formatMegabytes(MAX_MESSAGE_BYTES)}{" "}
          <span className="text-xs">(as Gmail counts it: encoded, a third larger)</span>
        </p>
        {files.length > 0 && (
          <ul className="mt-2 space-y-2" aria-label="Attached files">
            {files.map((file) => (
              <li key={file.key} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <span className="min-w-0 flex-1 truncate" title={file.name}>
                  {file.name}{" "}
                  <span className="text-zinc-600 dark:text-zinc-400">
                    ({formatMegabytes(file.size)})
                  </span>
                </span>
                {file.error ? (
                  <span className="w-full text-red-700 order-last dark:text-red-300">
                    {file.error}
                  </span>
                ) : file.id ? (
                  <span className="text-green-700 dark:text-green-300">Uploaded</span>
                ) : (
                  <progress
                    value={Math.round(file.progress * 100)}
                    max={100}
                    aria-label={`Uploading ${file.name}`}
                    className="h-2 w-32 max-w-full"
                  />
                )}
                <button
                  type="button"
                  onClick={() => remove(file)}
                  aria-label={`Remove ${file.name}`}
                  className="rounded px-2 py-0.5 text-zinc-700 underline hover:text-red-700 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-zinc-300"
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        {refusals.length > 0 && (
          <div role="alert" className="mt-2 space-y-1 text-red-700 dark:text-red-300">
            {refusals.map((r) => (
              <p key={r}>{r}</p>
            ))}
          </div>
        )}
      </div>
      <input
        type="hidden"
        name="attachments"
        value={kept.flatMap((f) => f.id ?? []).join(",")}
        data-uploading={uploading ? "true" : undefined}
      />
      <FieldError id="attachments-error" error={error} />
    </div>
  );
}

function parse(text: string): { id?: unknown; error?: { message?: string } } | undefined {
  try {
    return JSON.parse(text) as { id?: unknown; error?: { message?: string } };
  } catch {
    return undefined;
  }
}

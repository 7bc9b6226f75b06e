'use client';

import { type DragEvent, useEffect, useId, useState } from 'react';
import { formatBytes } from '@/lib/format-bytes';

/** Props of `FileDropZone`. */
export interface FileDropZoneProps {
  file: File | undefined;
  onFile: (file: File | undefined) => void;
  /** What files are accepted, e.g. "CSV files up to 50 MB". */
  accepts: string;
  /** Id of the element describing a problem with the chosen file, if any. */
  problemId?: string;
  disabled?: boolean;
}

/** While mounted, a file dropped beside the zone does nothing instead of the browser opening it in place of the page. */
function keepStrayDropsOnPage(): () => void {
  const ignore = (event: globalThis.DragEvent) => {
    if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'none';
  };
  window.addEventListener('dragover', ignore);
  window.addEventListener('drop', ignore);
  return () => {
    window.removeEventListener('dragover', ignore);
    window.removeEventListener('drop', ignore);
  };
}

/** A file input styled as a drop target: click, press Enter or Space, or (with a mouse) drop a file on it. */
export function FileDropZone({ file, onFile, accepts, problemId, disabled = false }: FileDropZoneProps) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  useEffect(keepStrayDropsOnPage, []);

  const onDragOver = (event: DragEvent) => {
    if (disabled) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files[0];
    if (dropped) onFile(dropped);
  };

  return (
    <div className="field">
      <label
        htmlFor={inputId}
        className={`dropzone${dragging ? ' dropzone--active' : ''}${file ? ' dropzone--filled' : ''}${disabled ? ' dropzone--disabled' : ''}`}
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <input
          id={inputId}
          type="file"
          name="file"
          accept=".csv,text/csv"
          className="visually-hidden"
          disabled={disabled}
          aria-describedby={problemId}
          aria-invalid={problemId ? true : undefined}
          onChange={(event) => onFile(event.target.files?.[0])}
        />
        <span className="dropzone__icon" aria-hidden="true">
          <svg
            viewBox="0 0 24 24"
            width="28"
            height="28"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            aria-hidden="true"
          >
            <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5" strokeLinecap="round" strokeLinejoin="round" />
            <path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" strokeLinecap="round" />
          </svg>
        </span>
        {file ? (
          <span className="dropzone__text">
            <strong className="dropzone__name">{file.name}</strong>
            <span className="dropzone__hint">
              {formatBytes(file.size)} · choose <span className="dropzone__drag">or drop </span>another file to replace
              it · {accepts}
            </span>
          </span>
        ) : (
          <span className="dropzone__text">
            <strong>Choose a CSV file</strong>
            <span className="dropzone__hint">
              <span className="dropzone__drag">or drag and drop it here · </span>
              {accepts}
            </span>
          </span>
        )}
      </label>
    </div>
  );
}

'use client';

import { useTRPC } from '@jobstream/react';
import { useMutation } from '@tanstack/react-query';
import { useId, useRef } from 'react';

/** Props of `CancelJobButton`. */
export interface CancelJobButtonProps {
  jobId: string;
  /** What is being imported, as the page names it (the file's name). */
  name: string;
}

/** Stops a running import once the user confirms in a dialog; the job then ends as cancelled. */
export function CancelJobButton({ jobId, name }: CancelJobButtonProps) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.upload.cancel.mutationOptions());
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();
  const cancelling = cancel.isPending || cancel.isSuccess;
  return (
    <>
      <button
        type="button"
        className="button button--quiet"
        disabled={cancelling}
        onClick={() => dialog.current?.showModal()}
      >
        {cancelling ? 'Cancelling…' : 'Cancel import'}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={titleId} aria-describedby={bodyId}>
        <h2 id={titleId} className="dialog__title">
          Cancel this import?
        </h2>
        <p id={bodyId} className="dialog__body">
          The import of {name} stops. Rows it has already imported stay imported.
        </p>
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialog.current?.close()}>
            Keep importing
          </button>
          <button
            type="button"
            className="button button--danger"
            onClick={() => {
              dialog.current?.close();
              cancel.mutate({ jobId });
            }}
          >
            Stop import
          </button>
        </div>
      </dialog>
    </>
  );
}

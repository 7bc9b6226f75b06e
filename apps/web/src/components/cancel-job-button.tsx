'use client';

import { useTRPC } from '@jobstream/react';
import { useMutation } from '@tanstack/react-query';

/** Stops a running import; its stream then ends with the job failed as cancelled. */
export function CancelJobButton({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const cancel = useMutation(trpc.upload.cancel.mutationOptions());
  return (
    <button
      type="button"
      className="button button--quiet button--danger"
      disabled={cancel.isPending || cancel.isSuccess}
      onClick={() => cancel.mutate({ jobId })}
    >
      {cancel.isPending || cancel.isSuccess ? 'Cancelling…' : 'Cancel import'}
    </button>
  );
}

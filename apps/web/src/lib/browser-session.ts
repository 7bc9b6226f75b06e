import { ensureSession } from '@jobstream/react';

let pending: Promise<void> | undefined;

/** Ensures the browser has a session, once per page load however many components ask; a failure can be retried. */
export function ensureBrowserSession(): Promise<void> {
  pending ??= ensureSession('/trpc').catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

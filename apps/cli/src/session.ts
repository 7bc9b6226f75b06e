import { createSessionToken, isSessionActive } from '@jobstream/client';
import { CliError, ExitCode } from './exit-codes';
import type { ServerAddress } from './server-address';
import type { TokenStore } from './token-store';

/** Where a command's session comes from. */
export interface SessionOptions {
  server: ServerAddress;
  /** `--token` or `JOBSTREAM_TOKEN`: used as is, never saved. */
  token: string | undefined;
  store: TokenStore;
  note(message: string): void;
}

/**
 * The session token for `server`: the one given (refused with exit 3 if the server does not know it), else the
 * one saved for this server if the server still knows it, else a new session, which is saved.
 */
export async function resolveSession({ server, token, store, note }: SessionOptions): Promise<string> {
  if (token) {
    if (await isSessionActive(server.httpUrl, token)) return token;
    throw new CliError(
      ExitCode.UNAVAILABLE,
      `The server at ${server.base} does not know the session token given by --token or JOBSTREAM_TOKEN`,
      'Leave both out to use a session of your own, created on first use',
    );
  }
  const saved = await store.get(server.base);
  if (saved && (await isSessionActive(server.httpUrl, saved))) return saved;
  const created = await createSessionToken(server.httpUrl);
  await store.set(server.base, created);
  if (saved) note(`The server at ${server.base} no longer knows the saved session; started a new one.`);
  return created;
}

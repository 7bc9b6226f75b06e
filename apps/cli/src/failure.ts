import { trpcErrorCode } from '@jobstream/client';
import { CliError, ExitCode } from './exit-codes';
import type { ServerAddress } from './server-address';

/** Socket error codes that mean nothing answered at the address. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The socket error code found in `error` or its causes (fetch wraps it, tRPC wraps fetch's error). */
function socketErrorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 5) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
  const inner = Array.isArray(errors) ? errors : [];
  for (const nested of [cause, ...inner]) {
    const found = socketErrorCode(nested, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The error the server cannot be reached at `server` with. */
function unreachable(server: ServerAddress, code: string): CliError {
  return new CliError(
    ExitCode.UNAVAILABLE,
    `Cannot reach the jobstream server at ${server.base} (${code})`,
    'Start it (pnpm start), or point to it with --url or JOBSTREAM_URL',
  );
}

/** Turns anything a command threw into a `CliError` with the exit code its kind of failure has. */
export function toCliError(error: unknown, server: ServerAddress): CliError {
  if (error instanceof CliError) return error;
  const socketCode = socketErrorCode(error);
  if (socketCode) return unreachable(server, socketCode);
  const message = error instanceof Error ? error.message : String(error);
  switch (trpcErrorCode(error)) {
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return new CliError(ExitCode.UNAVAILABLE, message, 'Check --token or JOBSTREAM_TOKEN');
    case 'NOT_FOUND':
      return new CliError(ExitCode.USAGE, `${message} (or it belongs to another session)`);
    case 'BAD_REQUEST':
      return new CliError(ExitCode.USAGE, message);
    default:
      return new CliError(ExitCode.FAILED, message);
  }
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError, ExitCode } from './exit-codes';
import type { ServerAddress } from './server-address';

/** Streams `GET /uploads/<jobId>/errors.csv` (the job's rejected rows with their reasons) into `destination`. */
export async function downloadErrors(
  server: ServerAddress,
  token: string,
  jobId: string,
  destination: NodeJS.WritableStream,
  { end }: { end: boolean },
): Promise<void> {
  const response = await fetch(`${server.base}/uploads/${jobId}/errors.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status === 404) {
    throw new CliError(ExitCode.USAGE, `No job ${jobId} (or it belongs to another session)`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new CliError(ExitCode.UNAVAILABLE, `The server refused the session (HTTP ${response.status})`);
  }
  if (!response.ok || !response.body) {
    throw new CliError(ExitCode.FAILED, `Could not download the rejected rows (HTTP ${response.status})`);
  }
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), destination, { end });
}

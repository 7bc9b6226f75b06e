import { type IncomingMessage, request } from 'node:http';

/** One server-sent event as the wire has it. */
export interface SseMessage {
  /** `undefined` for a plain message (tRPC's data events); `connected`, `ping`, `return`, `serialized-error` else. */
  event: string | undefined;
  id: string | undefined;
  data: string;
}

/** A bare HTTP client of tRPC's SSE endpoint, for tests that must stop reading. */
export interface RawSseClient extends AsyncDisposable {
  messages: SseMessage[];
  /** The response has ended. */
  ended(): boolean;
  /** Stops reading: once Node's small response buffer is full, nothing more is read from the socket. */
  pause(): void;
  resume(): void;
}

/** Feeds SSE text to `onMessage`, line by line (the `text/event-stream` format: fields, then a blank line). */
function sseParser(onMessage: (message: SseMessage) => void): (text: string) => void {
  let pending = '';
  let fields: Partial<SseMessage> = {};
  return (text) => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (line === '') {
        if (fields.data !== undefined) onMessage({ event: fields.event, id: fields.id, data: fields.data });
        fields = {};
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const value = line.slice(colon + 1).replace(/^ /, '');
      const name = line.slice(0, colon);
      if (name === 'event' || name === 'id' || name === 'data') fields[name] = value;
    }
  };
}

/**
 * Opens `upload.onProgress` for `jobId` over SSE with a bearer token (and `headers`, such as `Last-Event-ID`),
 * resolving once the response has started.
 */
export async function openRawSse(
  url: string,
  token: string,
  jobId: string,
  headers: Record<string, string> = {},
): Promise<RawSseClient> {
  const input = encodeURIComponent(JSON.stringify({ json: { jobId } }));
  const messages: SseMessage[] = [];
  const feed = sseParser((message) => messages.push(message));
  let ended = false;
  const req = request(`${url}/trpc/upload.onProgress?input=${input}`, {
    agent: false,
    headers: { ...headers, authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  if (res.statusCode !== 200) throw new Error(`SSE answered ${res.statusCode}`);
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => feed(chunk));
  res.once('end', () => {
    ended = true;
  });
  return {
    messages,
    ended: () => ended,
    pause: () => res.pause(),
    resume: () => res.resume(),
    [Symbol.asyncDispose]: async () => {
      req.destroy();
    },
  };
}

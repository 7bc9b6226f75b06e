import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { UPLOAD_GATEWAY_NAMESPACE, type UploadProgress } from '@jobstream/contracts';
import { type ApiServer, ConfigSchema, startApiServer } from '@jobstream/server';
import { waitFor } from '@jobstream/testing';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebServer } from '../server/web-server';
import { startTestWebServer } from './web-server-fixture';

/** `session.create` through the proxy, as the web app calls it: the session token from its cookie. */
async function sessionCookie(webUrl: string): Promise<string> {
  const response = await fetch(`${webUrl}/trpc/session.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('jobstream_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0] as string;
}

/** A Socket.IO long-polling handshake from `localAddress` through the proxy: its status. */
function pollingHandshake(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress, path: '/socket.io/?EIO=4&transport=polling' });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web server forwards /socket.io/ to the API server, as it forwards /trpc', () => {
  let api: ApiServer;
  let web: WebServer;
  let webUrl: string;
  let port: number;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    const config = ConfigSchema.parse({
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_PATH: ':memory:',
      TRUST_PROXY: 'loopback',
      MAX_CONNECTIONS_PER_ADDRESS: '1',
      SHUTDOWN_DRAIN_MS: '100',
    });
    api = await startApiServer({ config });
    web = await startTestWebServer({ API_URL: api.url, SHUTDOWN_DRAIN_MS: '100' });
    port = web.port;
    webUrl = web.url;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await web.shutdown();
    await api.shutdown();
  });

  for (const transports of [['polling'], ['websocket']] as const) {
    it(`carries a cookie-authenticated gateway client over ${transports[0]}`, async () => {
      const cookie = await sessionCookie(webUrl);
      const owner = (await api.services.sessions.resolve(cookie.slice('jobstream_session='.length))) as string;
      const jobId = randomUUID();
      await api.services.jobs.create({ jobId, owner, templateName: 'users', message: '' });
      const job = { jobId, templateName: 'users' };
      api.hub.emitter.emitProgress(jobId, { ...job, status: 'started', progress: 0, message: 'Queued' });

      const socket = io(`${webUrl}${UPLOAD_GATEWAY_NAMESPACE}`, {
        transports: [...transports],
        extraHeaders: { cookie },
        reconnection: false,
      });
      sockets.push(socket);
      const progress: number[] = [];
      socket.on('upload-progress', (data: UploadProgress) => progress.push(data.progress));
      const completed = new Promise((resolve) => socket.on('upload-completed', resolve));
      expect(await socket.emitWithAck('join-upload-room', { jobId })).toEqual({ ok: true, room: `upload:${jobId}` });
      api.hub.emitter.emitProgress(jobId, { ...job, status: 'processing', progress: 50, message: 'Half' });
      api.hub.emitter.emitCompletion(jobId, {
        ...job,
        status: 'completed',
        processed: 2,
        total: 2,
        inserted: 2,
        updated: 0,
        failed: 0,
        errors: [],
        durationMs: 1,
      });
      expect(await completed).toMatchObject({ jobId, processed: 2 });
      expect(progress).toEqual([0, 50]);
      expect(socket.io.engine.transport.name).toBe(transports[0]);
    });
  }

  it('counts each browser behind it on its own for the Socket.IO connection limit', async () => {
    expect(await pollingHandshake(port, '127.0.0.2')).toBe(200);
    expect(await pollingHandshake(port, '127.0.0.3')).toBe(200);
    expect(await pollingHandshake(port, '127.0.0.2')).toBe(429);
    await waitFor(async () => {
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      expect(metrics).toContain('jobstream_socketio_connections 2\n');
    });
  });
});

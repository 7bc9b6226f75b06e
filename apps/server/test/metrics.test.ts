import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { EMIT_LATENCY_SAMPLE_EVERY } from '../src/metrics/emit-latency';
import {
  connectClient,
  follow,
  parseMetrics,
  progressOf,
  resultOf,
  scrapeMetrics,
  startJob,
  startTestServer,
  upload,
  usersCsv,
} from './fixtures';

const TODAYS_NAMES = [
  'jobstream_rooms_active',
  'jobstream_subscriptions_active',
  'jobstream_listeners_active',
  'jobstream_ws_connections',
  'jobstream_ws_buffered_bytes',
  'jobstream_uploads_receiving',
  'jobstream_spool_bytes',
  'jobstream_events_emitted_total',
  'jobstream_events_delivered_total',
  'jobstream_events_conflated_total',
  'jobstream_snapshots_sent_total',
];

describe('/metrics', () => {
  it("serves the process's default metrics and today's gauges and counters, by name and type, as they stand", async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const jobId = await startJob(server, client.token);
    const got = follow(client, jobId);
    await waitFor(() => expect(got.data).toHaveLength(1));
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
    await waitFor(() => expect(got.data).toHaveLength(2));

    const response = await fetch(server.metricsUrl);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of TODAYS_NAMES) {
      const type = name.endsWith('_total') ? 'counter' : 'gauge';
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    for (const type of [
      'process_cpu_user_seconds_total counter',
      'process_resident_memory_bytes gauge',
      'nodejs_eventloop_lag_seconds gauge',
      'nodejs_gc_duration_seconds histogram',
      'nodejs_heap_size_used_bytes gauge',
    ]) {
      expect(text).toContain(`# TYPE ${type}\n`);
    }
    expect(parseMetrics(text)).toMatchObject({
      jobstream_rooms_active: 1,
      jobstream_subscriptions_active: 1,
      jobstream_ws_connections: 1,
      jobstream_events_emitted_total: 2,
      jobstream_events_delivered_total: 2,
      jobstream_snapshots_sent_total: 1,
    });

    got.unsubscribe();
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_subscriptions_active).toBe(0));
  });

  it('times the writes of live events over WebSocket and SSE, one in 32, snapshots never', async () => {
    await using server = await startTestServer();
    const live = 2 * EMIT_LATENCY_SAMPLE_EVERY + 1; // 64 progress events and the completion, per transport
    for (const transport of ['ws', 'sse'] as const) {
      await using client = await connectClient(server, { transport });
      const jobId = await startJob(server, client.token);
      const got = follow(client, jobId);
      await waitFor(() => expect(got.data).toHaveLength(1)); // the snapshot: counted as a write, never timed
      for (let p = 1; p < live; p++) server.hub.emitter.emitProgress(jobId, progressOf(jobId, p));
      server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
      await waitFor(() => expect(got.done).toBe(true));
      expect(got.data).toHaveLength(1 + live);
    }
    // 132 writes, one after another: the 1st (the WebSocket's snapshot, not timed), 33rd, 65th (WebSocket), 97th
    // and 129th (SSE, whose snapshot was the 67th) are sampled.
    const values = await scrapeMetrics(server);
    expect(values.jobstream_emit_to_send_seconds_count).toBe(4);
    expect(values['jobstream_emit_to_send_seconds_bucket{le="+Inf"}']).toBe(4);
    expect(values.jobstream_emit_to_send_seconds_sum).toBeGreaterThanOrEqual(0);
  });

  it("records each import's duration and rows per second, by how it ended", async () => {
    await using server = await startTestServer();
    const { token } = await server.services.sessions.create();
    const done = await upload(server, { token, body: usersCsv(2_500) });
    const failed = await upload(server, { token, body: `email,name,role\n${'x,'.repeat(2_000)}\n` });
    expect([done.status, failed.status]).toEqual([201, 201]);
    await waitFor(async () => {
      const values = await scrapeMetrics(server);
      expect(values['jobstream_import_duration_seconds_count{status="completed"}']).toBe(1);
      expect(values['jobstream_import_duration_seconds_count{status="failed"}']).toBe(1);
    });
    const values = await scrapeMetrics(server);
    expect(values['jobstream_import_duration_seconds_sum{status="completed"}']).toBeGreaterThan(0);
    expect(values['jobstream_import_rows_per_second_count{status="completed"}']).toBe(1);
    expect(values['jobstream_import_rows_per_second_sum{status="completed"}']).toBeGreaterThan(0);
    // The failed import stopped at its first row, before any batch was committed: no rate to record.
    expect(values['jobstream_import_rows_per_second_count{status="failed"}']).toBeUndefined();
  });
});

describe('/metrics kept off the public port', () => {
  it('with METRICS_TOKEN, answers 401 without the bearer token or with another, 200 with it', async () => {
    const token = 'm'.repeat(32);
    await using server = await startTestServer({ METRICS_TOKEN: token });
    expect(server.metricsUrl).toBe(`${server.url}/metrics`);
    const bare = await fetch(server.metricsUrl);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await bare.text()).not.toContain('jobstream_');
    for (const authorization of [`Bearer ${'m'.repeat(31)}`, `Bearer ${token}x`, `Basic ${token}`, token]) {
      expect((await fetch(server.metricsUrl, { headers: { authorization } })).status).toBe(401);
    }
    const allowed = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('jobstream_rooms_active');
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters', async () => {
    await expect(startTestServer({ METRICS_TOKEN: 'short' })).rejects.toThrow(/METRICS_TOKEN/);
  });

  it('with METRICS_PORT, serves it on its own listener only, and closes that listener on shutdown', async () => {
    const server = await startTestServer({ METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(server.metricsUrl).port).not.toBe(String(server.port));
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
      const own = await fetch(server.metricsUrl);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('jobstream_ws_connections');
      expect((await fetch(new URL('/trpc/upload.ping', server.metricsUrl))).status).toBe(404);
      expect((await fetch(new URL('/healthz', server.metricsUrl))).status).toBe(404);
    } finally {
      await server.shutdown();
    }
    await expect(fetch(server.metricsUrl)).rejects.toThrow();
  });

  it('with both, its own listener asks for the token too', async () => {
    const token = 't'.repeat(20);
    await using server = await startTestServer({ METRICS_PORT: '0', METRICS_TOKEN: token });
    expect((await fetch(server.metricsUrl)).status).toBe(401);
    expect((await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

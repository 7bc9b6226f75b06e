import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel, REDACTED, requestId } from '../src/index';

function capture(level: LogLevel = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { lines, logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const WRITE_LOGS = fileURLToPath(new URL('./fixtures/write-logs.ts', import.meta.url));

function runWriteLogs(format: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', WRITE_LOGS, format], { encoding: 'utf8', env: process.env });
}

describe('createLogger', () => {
  it('writes one JSON object per line: level by name, ISO time, msg, fields and child bindings', () => {
    const { lines, logger, entries } = capture('info');
    logger.child({ reqId: 'abc' }).warn({ count: 2 }, 'marked interrupted jobs as failed');
    logger.debug('dropped below the level');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const [entry] = entries();
    expect(entry).toMatchObject({ level: 'warn', msg: 'marked interrupted jobs as failed', reqId: 'abc', count: 2 });
    expect(new Date(entry?.time as string).toISOString()).toBe(entry?.time);
  });

  it('redacts credentials by key at any depth, in fields and in child bindings, and cuts queries off URLs', () => {
    const { lines, logger, entries } = capture();
    const child = logger.child({ token: 'secret-0', headers: { cookie: 'secret-7' } });
    child.error(
      {
        authorization: 'Bearer secret-1',
        nested: { connectionParams: { token: 'secret-2' }, sessionToken: 'secret-3', cookie: 'secret-4' },
        list: [{ 'set-cookie': 'secret-8' }, 'kept'],
        url: 'http://127.0.0.1:3001/trpc/session.current?connectionParams=secret-5',
        path: '/uploads?token=secret-6',
        referer: 'http://localhost:3000/jobs?token=secret-9',
      },
      'oops',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/secret-\d/);
    expect(entries()[0]).toMatchObject({
      msg: 'oops',
      token: REDACTED,
      headers: { cookie: REDACTED },
      authorization: REDACTED,
      nested: { connectionParams: REDACTED, sessionToken: REDACTED, cookie: REDACTED },
      list: [{ 'set-cookie': REDACTED }, 'kept'],
      url: 'http://127.0.0.1:3001/trpc/session.current',
      path: '/uploads',
      referer: 'http://localhost:3000/jobs',
    });
  });

  it('keeps an Error under err for its serializer, and survives a cycle', () => {
    const { logger, entries } = capture();
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    logger.error({ err: new Error('disk full'), cycle }, 'request failed');
    const [entry] = entries();
    expect(entry?.err).toMatchObject({
      type: 'Error',
      message: 'disk full',
      stack: expect.stringContaining('disk full'),
    });
    expect(JSON.stringify(entry?.cycle)).toContain('[too deep]');
  });

  it('writes JSON lines to stderr by default, and readable lines with format pretty', () => {
    const json = runWriteLogs('json');
    expect(json.status).toBe(0);
    expect(json.stdout).toBe('');
    const lines = json.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'info',
      msg: 'listening',
      reqId: 'req-1',
      url: '/trpc/x',
    });

    const pretty = runWriteLogs('pretty');
    expect(pretty.status).toBe(0);
    expect(pretty.stderr).toMatch(/INFO.*listening/);
    expect(pretty.stderr).toContain('reqId: "req-1"');
    expect(pretty.stderr).not.toContain('secret-1');
    expect(() => JSON.parse(pretty.stderr.trim())).toThrow();
  });
});

describe('requestId', () => {
  it('keeps a plausible incoming id and replaces anything else with a new UUID', () => {
    expect(requestId('web-7f3a.1:2')).toBe('web-7f3a.1:2');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const incoming of [undefined, '', 'x'.repeat(65), 'a b', 'line\nbreak', '{"json":1}', ['a', 'b']]) {
      expect(requestId(incoming)).toMatch(uuid);
    }
    expect(requestId()).not.toBe(requestId());
  });

  it('is one flat string, not the tree of pieces `randomUUID` returns (about 490 bytes each)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const ids = Array.from({ length: 20_000 }, () => requestId());
    gc();
    const bytesPerId = (process.memoryUsage().heapUsed - before) / ids.length;
    // A flat 36-character string is about 60 bytes, and the array 8 bytes an id.
    expect(bytesPerId).toBeLessThan(150);
  });
});

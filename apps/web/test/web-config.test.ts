import { describe, expect, it } from 'vitest';
import { loadWebConfig } from '../server/web-config';

describe('loadWebConfig', () => {
  it('defaults to 127.0.0.1:3000 and the API on 3001', () => {
    const config = loadWebConfig({}, []);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, dev: false });
    expect(config.apiUrl.href).toBe('http://127.0.0.1:3001/');
  });

  it('reads WEB_PORT, HOST, API_URL and --dev', () => {
    const config = loadWebConfig({ WEB_PORT: '4000', HOST: '0.0.0.0', API_URL: 'http://api:9000' }, ['--dev']);
    expect(config).toMatchObject({ host: '0.0.0.0', port: 4000, dev: true });
    expect(config.apiUrl.origin).toBe('http://api:9000');
  });

  it('rejects a bad port or API URL', () => {
    expect(() => loadWebConfig({ WEB_PORT: 'abc' }, [])).toThrow(/WEB_PORT/);
    expect(() => loadWebConfig({ API_URL: 'ftp://x' }, [])).toThrow(/API_URL/);
  });

  it('logs JSON at info by default, pretty with --dev, as LOG_LEVEL and LOG_FORMAT say otherwise', () => {
    expect(loadWebConfig({}, [])).toMatchObject({ logLevel: 'info', logFormat: 'json' });
    expect(loadWebConfig({}, ['--dev'])).toMatchObject({ logLevel: 'info', logFormat: 'pretty' });
    expect(loadWebConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, ['--dev'])).toMatchObject({
      logLevel: 'debug',
      logFormat: 'json',
    });
    expect(() => loadWebConfig({ LOG_LEVEL: 'verbose' }, [])).toThrow(/LOG_LEVEL must be one of/);
    expect(() => loadWebConfig({ LOG_FORMAT: 'xml' }, [])).toThrow(/LOG_FORMAT/);
  });

  it('drains for 5 s on shutdown unless SHUTDOWN_DRAIN_MS says otherwise', () => {
    expect(loadWebConfig({}, []).shutdownDrainMs).toBe(5_000);
    expect(loadWebConfig({ SHUTDOWN_DRAIN_MS: '0' }, []).shutdownDrainMs).toBe(0);
    expect(loadWebConfig({ SHUTDOWN_DRAIN_MS: '30000' }, []).shutdownDrainMs).toBe(30_000);
    for (const bad of ['-1', '1.5', 'soon']) {
      expect(() => loadWebConfig({ SHUTDOWN_DRAIN_MS: bad }, [])).toThrow(/SHUTDOWN_DRAIN_MS/);
    }
  });
});

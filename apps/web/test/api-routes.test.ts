import { describe, expect, it } from 'vitest';
import { isApiPath, isApiUpgradePath, pathnameOf } from '../server/api-routes';

describe('api routes', () => {
  it('sends tRPC and uploads to the API server, everything else to Next', () => {
    expect(isApiPath('/trpc')).toBe(true);
    expect(isApiPath('/trpc/upload.list,upload.templates')).toBe(true);
    expect(isApiPath('/uploads')).toBe(true);
    expect(isApiPath('/uploads/abc/errors.csv')).toBe(true);
    expect(isApiPath('/')).toBe(false);
    expect(isApiPath('/jobs/abc')).toBe(false);
    expect(isApiPath('/trpcx')).toBe(false);
    expect(isApiPath('/_next/static/chunk.js')).toBe(false);
    expect(isApiPath('/socket.io/')).toBe(true);
    expect(isApiPath('/socket.iox')).toBe(false);
  });

  it('sends the tRPC and Socket.IO WebSocket upgrades to the API server, any other to Next', () => {
    expect(isApiUpgradePath('/trpc')).toBe(true);
    expect(isApiUpgradePath('/socket.io/')).toBe(true);
    expect(isApiUpgradePath('/_next/webpack-hmr')).toBe(false);
    expect(isApiUpgradePath('/trpc/upload.onProgress')).toBe(false);
  });

  it('takes the path of a request URL without its query', () => {
    expect(pathnameOf('/uploads?template=users')).toBe('/uploads');
    expect(pathnameOf(undefined)).toBe('/');
  });
});

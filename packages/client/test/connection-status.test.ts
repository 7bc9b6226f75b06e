import { describe, expect, it } from 'vitest';
import { toConnectionStatus, type WsConnectionState } from '../src/connection-status';

const pending: WsConnectionState = { type: 'state', state: 'pending', error: null };
const connecting: WsConnectionState = { type: 'state', state: 'connecting', error: null };
const idle: WsConnectionState = { type: 'state', state: 'idle', error: null };

describe('toConnectionStatus', () => {
  const online = { everConnected: false, browserOnline: true };

  it('is connecting at first and connected once open', () => {
    expect(toConnectionStatus(connecting, online)).toBe('connecting');
    expect(toConnectionStatus(pending, online)).toBe('connected');
  });

  it('is reconnecting after a drop', () => {
    expect(toConnectionStatus(connecting, { ...online, everConnected: true })).toBe('reconnecting');
  });

  it('is offline when the browser is, or the socket was closed for good', () => {
    expect(toConnectionStatus(pending, { everConnected: true, browserOnline: false })).toBe('offline');
    expect(toConnectionStatus(idle, { everConnected: true, browserOnline: true })).toBe('offline');
  });
});

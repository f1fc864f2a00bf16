import { describe, expect, it } from 'vitest';
import { checkOwnerRequest, type OwnerGuardSettings } from './owner-guard';

const settings: OwnerGuardSettings = {
  listenHost: '127.0.0.1',
  allowedHosts: ['box.example.com', 'proxy.example.com:8443'],
  allowedOrigins: ['https://dashboard.example.com'],
};

function request(method: string, headers: Record<string, string>): Request {
  const request = new Request('http://127.0.0.1:3000/api/messages', {
    method,
    ...(method === 'GET' ? {} : { body: '{"text":"hi"}' }),
  });
  // Host and Origin are forbidden headers for fetch's Request; set them the way the server sees them.
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return request;
}

const json = { 'content-type': 'application/json' };
const refusal = (method: string, headers: Record<string, string>, own = settings) =>
  checkOwnerRequest(request(method, headers), own)?.code;

describe('the Host check (DNS rebinding)', () => {
  it('accepts loopback names and IP addresses on any port', () => {
    for (const host of [
      'localhost:3000',
      '127.0.0.1:3000',
      '[::1]:3000',
      'localhost',
      '192.168.1.20:3000',
      '[fe80::1]:80',
    ])
      expect(refusal('GET', { host }), host).toBeUndefined();
  });
  it('accepts listed names, with the listed port only when one is given, and the name the box listens on', () => {
    expect(refusal('GET', { host: 'box.example.com' })).toBeUndefined();
    expect(refusal('GET', { host: 'BOX.example.com:443' })).toBeUndefined();
    expect(refusal('GET', { host: 'proxy.example.com:8443' })).toBeUndefined();
    expect(refusal('GET', { host: 'proxy.example.com' })).toBe('forbidden_host');
    expect(
      refusal('GET', { host: 'mybox.lan:3000' }, { ...settings, listenHost: 'mybox.lan' }),
    ).toBeUndefined();
  });
  it('refuses any other name, a missing Host and a malformed one, on every method', () => {
    for (const host of [
      'evil.example:3000',
      'localhost.evil.example',
      'box.example.com.evil.example',
      '',
      'a b',
      'x@127.0.0.1',
    ])
      expect(refusal('GET', { host }), host).toBe('forbidden_host');
    expect(refusal('POST', { host: 'evil.example:3000', origin: 'http://evil.example:3000', ...json })).toBe(
      'forbidden_host',
    );
    expect(refusal('GET', { host: 'mybox.lan' }, { ...settings, listenHost: '0.0.0.0' })).toBe(
      'forbidden_host',
    );
  });
  it('says what to configure', () => {
    const refused = checkOwnerRequest(request('GET', { host: 'evil.example' }), settings);
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining('SWITCHBOARD_ALLOWED_HOSTS'),
    });
  });
});

describe('the Origin check (cross-site requests)', () => {
  const host = '127.0.0.1:3000';
  it('accepts no Origin (curl, the terminal), the same origin (any scheme) and listed origins', () => {
    expect(refusal('POST', { host, ...json })).toBeUndefined();
    expect(
      refusal('POST', { host, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin', ...json }),
    ).toBeUndefined();
    expect(
      refusal('POST', { host: 'box.example.com', origin: 'https://box.example.com', ...json }),
    ).toBeUndefined();
    expect(
      refusal('POST', {
        host,
        origin: 'https://dashboard.example.com',
        'sec-fetch-site': 'cross-site',
        ...json,
      }),
    ).toBeUndefined();
  });
  it('refuses foreign, null and non-http origins, another port of the same host, and cross-site fetches without an Origin', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://127.0.0.1:8080',
      'http://localhost:3000',
      'file://',
      'chrome-extension://abc',
      'nonsense',
    ])
      expect(refusal('POST', { host, origin, ...json }), origin).toBe('forbidden_origin');
    expect(refusal('POST', { host, 'sec-fetch-site': 'cross-site', ...json })).toBe('forbidden_origin');
    expect(refusal('DELETE', { host, origin: 'https://evil.example', ...json })).toBe('forbidden_origin');
    const refused = checkOwnerRequest(request('POST', { host, origin: 'null', ...json }), settings);
    expect(refused).toMatchObject({
      status: 403,
      message: expect.stringContaining('SWITCHBOARD_ALLOWED_ORIGINS'),
    });
  });
  it('leaves reads alone: a GET may come from anywhere once the Host is right', () => {
    expect(
      refusal('GET', { host, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }),
    ).toBeUndefined();
  });
});

describe('the content type check', () => {
  const host = '127.0.0.1:3000';
  it('requires application/json on state-changing methods', () => {
    expect(refusal('POST', { host, 'content-type': 'application/json; charset=utf-8' })).toBeUndefined();
    expect(refusal('PUT', { host, 'content-type': 'Application/JSON' })).toBeUndefined();
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      '',
    ])
      expect(refusal('POST', { host, 'content-type': type }), type).toBe('unsupported_media_type');
    expect(refusal('PATCH', { host })).toBe('unsupported_media_type');
    expect(checkOwnerRequest(request('POST', { host }), settings)?.status).toBe(415);
  });
});

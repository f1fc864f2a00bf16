import { describe, expect, it } from 'vitest';
import { redactDatabaseUrl, redactPassword } from './redact';

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps everything else', () => {
    expect(redactDatabaseUrl('postgres://app:hunter2@db.internal:5432/switchboard?sslmode=require')).toBe(
      'postgres://app:***@db.internal:5432/switchboard?sslmode=require',
    );
  });

  it('hides a password given as a query parameter', () => {
    const redacted = redactDatabaseUrl('postgres://db.internal/switchboard?user=app&password=hunter2');
    expect(redacted).not.toContain('hunter2');
    expect(redacted).toContain('user=app');
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactDatabaseUrl('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
  });

  it('hides the password of a URL too broken to parse', () => {
    expect(redactDatabaseUrl('postgres://app:hun ter2@[broken/x')).toBe('postgres://app:***@[broken/x');
  });
});

describe('redactPassword', () => {
  it('removes the password, raw and percent-encoded, from any text', () => {
    const url = 'postgres://app:p%40ss@host/db';
    expect(redactPassword('auth failed for app with p@ss and p%40ss', url)).toBe(
      'auth failed for app with *** and ***',
    );
  });
});

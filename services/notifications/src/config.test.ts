import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadNotificationsConfig } from './config';

const required = { NOTIFICATIONS_DATABASE_URL: 'postgres://notifications@localhost/notifications' };
const webhookUrl = 'https://hooks.example.test/orders';

function configError(env: Record<string, string>): string {
  try {
    loadNotificationsConfig({ ...required, ...env });
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('the webhook settings', () => {
  it('refuse a webhook URL without NOTIFY_WEBHOOK_SECRET, naming that variable', () => {
    expect(configError({ NOTIFY_WEBHOOK_URL: webhookUrl })).toMatch(/NOTIFY_WEBHOOK_SECRET: required when NOTIFY_WEBHOOK_URL is set/);
    expect(configError({ NOTIFY_WEBHOOK_URL: webhookUrl, NOTIFY_WEBHOOK_SECRET: '  ' })).toMatch(/NOTIFY_WEBHOOK_SECRET/);
  });

  it('take a webhook URL with a whsec_ secret, and need no secret for the log channel', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const config = loadNotificationsConfig({ ...required, NOTIFY_WEBHOOK_URL: webhookUrl, NOTIFY_WEBHOOK_SECRET: secret });
    expect(config.NOTIFY_WEBHOOK_SECRET).toBe(secret);
    expect(loadNotificationsConfig(required).NOTIFY_WEBHOOK_URL).toBeUndefined();
  });

  it('refuse a malformed or short secret, naming the variable without repeating its value', () => {
    for (const secret of ['whsec_not*base64!', `whsec_${randomBytes(8).toString('base64')}`]) {
      const message = configError({ NOTIFY_WEBHOOK_URL: webhookUrl, NOTIFY_WEBHOOK_SECRET: secret });
      expect(message).toContain('NOTIFY_WEBHOOK_SECRET');
      expect(message).not.toContain(secret.slice('whsec_'.length));
    }
  });
});

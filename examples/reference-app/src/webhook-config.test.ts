import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes long').toString('base64')}`;

describe('readConfig: webhooks', () => {
  it('has none without WEBHOOK_URL', () => {
    expect(readConfig({}).webhooks).toBeUndefined();
  });

  it('reads one endpoint with the default events and public addresses only', () => {
    const { webhooks } = readConfig({
      WEBHOOK_URL: 'https://hooks.example.com/uaip',
      WEBHOOK_SECRET: SECRET,
    });
    expect(webhooks).toEqual({
      endpoints: [
        {
          id: 'default',
          url: 'https://hooks.example.com/uaip',
          secret: SECRET,
          events: ['session.completed', 'stage.completed', 'review.*'],
        },
      ],
      allowPrivateNetworks: [],
    });
  });

  it('reads WEBHOOK_EVENTS and WEBHOOK_ALLOW_PRIVATE', () => {
    const base = { WEBHOOK_URL: 'http://10.0.0.5:8080/in', WEBHOOK_SECRET: SECRET };
    const listed = readConfig({
      ...base,
      WEBHOOK_EVENTS: ' session.completed , review.decided ',
      WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/8, hooks.internal',
    }).webhooks;
    expect(listed?.endpoints[0]?.events).toEqual(['session.completed', 'review.decided']);
    expect(listed?.allowPrivateNetworks).toEqual(['10.0.0.0/8', 'hooks.internal']);
    expect(
      readConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks?.allowPrivateNetworks,
    ).toBe(true);
    expect(
      readConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'no' }).webhooks?.allowPrivateNetworks,
    ).toEqual([]);
  });

  it('refuses what it cannot use, naming the variable and never quoting the secret', () => {
    const url = 'https://hooks.example.com/uaip';
    const error = (env: Record<string, string>) => {
      try {
        readConfig(env);
      } catch (caught) {
        expect(caught).toBeInstanceOf(ConfigError);
        return (caught as Error).message;
      }
      return 'accepted';
    };
    expect(error({ WEBHOOK_URL: url })).toMatch(/^WEBHOOK_URL needs WEBHOOK_SECRET/);
    expect(error({ WEBHOOK_SECRET: SECRET })).toMatch(/^WEBHOOK_SECRET is set but WEBHOOK_URL/);
    expect(error({ WEBHOOK_URL: 'ftp://x', WEBHOOK_SECRET: SECRET })).toMatch(/^WEBHOOK_URL: /);
    const wrongSecret = error({ WEBHOOK_URL: url, WEBHOOK_SECRET: 'hunter2-is-my-secret' });
    expect(wrongSecret).toMatch(/^WEBHOOK_SECRET: /);
    expect(wrongSecret).not.toContain('hunter2');
    expect(
      error({ WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, WEBHOOK_EVENTS: 'session.done' }),
    ).toMatch(/^WEBHOOK_EVENTS: Unknown event "session.done"/);
    expect(
      error({ WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/40' }),
    ).toMatch(/^WEBHOOK_ALLOW_PRIVATE: "10.0.0.0\/40" is no address/);
    // A yes or no mixed with entries is not taken for a host name.
    for (const allow of ['true,10.0.0.0/8', '10.0.0.0/8, FALSE', 'hooks.internal,yes'])
      expect(
        error({ WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: allow }),
      ).toMatch(/^WEBHOOK_ALLOW_PRIVATE: "(true|FALSE|yes)" goes alone/);
  });
});

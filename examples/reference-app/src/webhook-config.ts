import {
  checkWebhookOptions,
  UaipError,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventPattern,
  type WebhookOptions,
} from '@uaip/core';

type Env = Record<string, string | undefined>;

const DEFAULT_EVENTS: WebhookEventPattern[] = ['session.completed', 'stage.completed', 'review.*'];

// The core's checks name option fields; the operator set variables.
const VARIABLES: Array<[RegExp, string]> = [
  [/\.url$/, 'WEBHOOK_URL'],
  [/\.secret$/, 'WEBHOOK_SECRET'],
  [/\.events$/, 'WEBHOOK_EVENTS'],
  [/^allowPrivateNetworks/, 'WEBHOOK_ALLOW_PRIVATE'],
];

/**
 * One webhook endpoint from `WEBHOOK_URL`, `WEBHOOK_SECRET` (`whsec_…`), `WEBHOOK_EVENTS`
 * (comma-separated; default `session.completed,stage.completed,review.*`) and
 * `WEBHOOK_ALLOW_PRIVATE` (`true`, or comma-separated addresses, CIDR ranges and host names a
 * delivery may reach inside private networks). Undefined without `WEBHOOK_URL`. A mistake is
 * `fail`ed with a message naming the variable, never quoting the secret.
 */
export function webhooksOf(env: Env, fail: (message: string) => Error): WebhookOptions | undefined {
  const url = env.WEBHOOK_URL?.trim();
  const secret = env.WEBHOOK_SECRET?.trim();
  if (!url) {
    if (secret) throw fail('WEBHOOK_SECRET is set but WEBHOOK_URL is not');
    return undefined;
  }
  if (!secret) throw fail('WEBHOOK_URL needs WEBHOOK_SECRET (whsec_ followed by base64)');
  const list = (raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const events = list(env.WEBHOOK_EVENTS) as WebhookEventPattern[];
  const allow = list(env.WEBHOOK_ALLOW_PRIVATE);
  const isYes = (item: string) => ['true', '1', 'yes'].includes(item.toLowerCase());
  const isNo = (item: string) => ['false', '0', 'no'].includes(item.toLowerCase());
  // `true,10.0.0.0/8` would otherwise allow a host named "true": say what was meant instead.
  const flag = allow.length > 1 ? allow.find((item) => isYes(item) || isNo(item)) : undefined;
  if (flag !== undefined)
    throw fail(
      `WEBHOOK_ALLOW_PRIVATE: "${flag}" goes alone (true for any address, false for none); ` +
        'otherwise list only addresses, CIDR ranges and host names',
    );
  const everything = allow.length === 1 && isYes(allow[0]!);
  const nothing = allow.length === 1 && isNo(allow[0]!);
  const options: WebhookOptions = {
    endpoints: [
      { id: 'default', url, secret, events: events.length > 0 ? events : DEFAULT_EVENTS },
    ],
    allowPrivateNetworks: everything ? true : nothing ? [] : allow,
  };
  try {
    checkWebhookOptions(options);
  } catch (error) {
    if (!UaipError.isInstance(error)) throw error;
    const detail = error.details?.[0];
    const variable = VARIABLES.find(([field]) => field.test(detail?.path ?? ''))?.[1];
    const known =
      variable === 'WEBHOOK_EVENTS'
        ? ` (known: ${WEBHOOK_EVENT_TYPES.join(', ')}, review.*, *)`
        : '';
    throw fail(`${variable ?? 'WEBHOOK_URL'}: ${detail?.message ?? error.message}${known}`);
  }
  return options;
}

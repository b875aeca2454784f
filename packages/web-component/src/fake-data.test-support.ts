// The fixed content of the fake server (fake-api.test-support.ts) and its response builders.

export const UAIP_STAGES = [
  ['business-translation', 'Business Translation'],
  ['value-quantification', 'Value Quantification'],
  ['data-feasibility', 'Data Feasibility'],
  ['user-centricity', 'User Centricity'],
  ['ethical-governance', 'Ethical Governance'],
] as const;

/** The artifact every completed stage gets: nested, to exercise the artifact view. */
export const SAMPLE_ARTIFACT = {
  businessObjective: 'Reduce monthly churn',
  alternativesTried: ['Discount emails', 'Exit survey'],
  inputFeatures: [{ name: 'days since last login', availableInProduction: true }],
  scope: { inScope: ['EU customers'], outOfScope: [] },
};

export const CHARTER_MD = `# AI Project Charter: Reduce churn

> **Produced with the demo provider**

## 1. Business Translation

- **Objective:** Reduce monthly churn \\<script\\>alert(1)\\</script\\>
- **Archetype:** classification

| Principle | Level |
| --- | --- |
| Fairness | LOW |

## 2. Value Quantification

| KPI | Baseline | Target | Time frame | Measured by | Business impact |
| --- | --- | --- | --- | --- | --- |
| Monthly churn rate | 8% | 5% | by September 2027 | billing deactivations | 2.4 million EUR a year |
`;

export const encoder = new TextEncoder();

/** A JSON response as the contract sends it, with a request id. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-fake', ...headers },
  });

/** The contract's error body, with `Retry-After` when given. */
export const error = (status: number, code: string, message = code, retryAfter?: number) =>
  json(
    status,
    { error: { code, message, requestId: 'req-fake' } },
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
  );

/**
 * An open `text/event-stream` response: its controller joins `subscribers` (events are
 * enqueued there) until the client cancels or aborts, as a real server's socket would end.
 */
export function eventStream(
  subscribers: Set<ReadableStreamDefaultController<Uint8Array>>,
  signal: AbortSignal | undefined,
): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      subscribers.add(controller);
      controller.enqueue(encoder.encode(': connected\n\n'));
    },
    cancel() {
      subscribers.delete(controller);
    },
  });
  signal?.addEventListener('abort', () => {
    subscribers.delete(controller);
    controller.error(new DOMException('The operation was aborted.', 'AbortError'));
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

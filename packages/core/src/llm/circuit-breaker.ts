/** The circuit breaker of each provider in a fallback chain. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number;
  /** How long an open circuit skips the provider before one probe. @default 30000 */
  cooldownMs?: number;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

/** Skips a provider that keeps failing, then lets exactly one probe through after a pause. */
export interface CircuitBreaker {
  /** Whether a call may go out now; in `half_open`, true for exactly one caller. */
  allow(now: number): boolean;
  succeeded(): void;
  failed(now: number): void;
  state(now: number): CircuitState;
}

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  let failures = 0;
  let openUntil = 0;
  let probing = false;
  const state = (now: number): CircuitState => {
    if (failures < threshold) return 'closed';
    return now >= openUntil ? 'half_open' : 'open';
  };
  return {
    state,
    allow(now) {
      const current = state(now);
      if (current === 'closed') return true;
      if (current === 'open' || probing) return false;
      probing = true;
      return true;
    },
    succeeded() {
      failures = 0;
      probing = false;
    },
    failed(now) {
      failures += 1;
      if (failures >= threshold) openUntil = now + cooldownMs;
      probing = false;
    },
  };
}

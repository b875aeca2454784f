import { type CSSResultGroup, LitElement, type PropertyDeclarations } from 'lit';
import { createUaipClient, DEFAULT_API_BASE, type UaipClient } from './api-client';
import { describeError, UaipApiError } from './api-error';
import { type ErrorDetail, emit } from './events';

/**
 * What the elements that talk to the server share: `api-base`, `token` and an injectable
 * `fetch`, a client built from them, and one way to report an error (a `uaip-error` event for
 * the host, a sentence for the person).
 */
export class ApiElement extends LitElement {
  /** @internal Lit's reactive properties of the element. */
  static override properties: PropertyDeclarations = {
    apiBase: { attribute: 'api-base' },
    token: {},
    fetch: { attribute: false },
  };

  // Lit's own comment on `styles` links to a symbol typedoc cannot resolve here.
  /** @internal Each element sets its own styles (shadow DOM). */
  declare static styles: CSSResultGroup | undefined;

  /** The API's base URL (attribute `api-base`), any origin. @default '/api/v1' */
  declare apiBase: string;
  /** The bearer token (attribute `token`); sent in a header, never in a URL. */
  declare token: string | null;
  /** The `fetch` the element uses; replace it to route or fake requests. */
  declare fetch: typeof fetch | undefined;

  constructor() {
    super();
    this.apiBase = DEFAULT_API_BASE;
    this.token = null;
    this.fetch = undefined;
  }

  /** A client for the current `api-base`, `token` and `fetch`. */
  protected get client(): UaipClient {
    return createUaipClient({ apiBase: this.apiBase, token: this.token, fetch: this.fetch });
  }

  /** Fires `uaip-error` for the host and returns what to tell the person. */
  protected reportError(error: unknown): string {
    const detail: ErrorDetail = UaipApiError.isInstance(error)
      ? { status: error.status, code: error.code, message: error.message }
      : { status: 0, code: 'internal', message: String(error) };
    emit(this, 'uaip-error', detail);
    return describeError(error);
  }
}

/** True for the abort that ends a request on purpose (unmount, new session). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

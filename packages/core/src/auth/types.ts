/** Who is calling: every orchestrator and storage call is scoped to one user. */
export interface Principal {
  userId: string;
}

/** Turns a bearer token into a principal, or `null` when the token is not valid. */
export interface Auth {
  /** The principal of a valid token, or null. */
  authenticate(token: string): Promise<Principal | null>;
}

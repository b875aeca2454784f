import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { remoteBackend } from './remote-backend';
import { createUaipMcpServer } from './server';

/** The `uaip-mcp` command's help, also shown when its configuration is missing. */
export const USAGE = `uaip-mcp: an MCP server (stdio) that runs uaip scoping sessions on a uaip server.

Environment:
  UAIP_URL    the uaip server's base URL, e.g. http://127.0.0.1:3000
  UAIP_TOKEN  a bearer token of your account there (POST /api/v1/auth/login returns one)

Add it to an MCP client such as Claude Desktop or Claude Code; see the README of @uaip/mcp-server.`;

/**
 * Runs the command on stdio: the protocol on stdout, anything for people on stderr. Returns
 * the exit code to end with at once (help, bad configuration), or null while it serves.
 */
export function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  stderr: (line: string) => void,
): number | null {
  if (argv.includes('--help') || argv.includes('-h')) {
    stderr(USAGE);
    return 0;
  }
  const url = env.UAIP_URL?.trim();
  const token = env.UAIP_TOKEN?.trim();
  if (!url || !token) {
    stderr(`uaip-mcp: set ${!url ? 'UAIP_URL' : 'UAIP_TOKEN'}.\n\n${USAGE}`);
    return 2;
  }
  try {
    new URL(url);
  } catch {
    stderr(`uaip-mcp: UAIP_URL is not a URL: ${url}`);
    return 2;
  }
  const report = (error: unknown) =>
    stderr(`uaip-mcp: ${(error as Error)?.stack ?? String(error)}`);
  const backend = remoteBackend({ url, token });
  // One server per connection (the SDK's stdio entry serves both protocol eras from it).
  serveStdio(() => createUaipMcpServer({ backend, onError: report }), { onerror: report });
  return null;
}

import { readFile, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UaipError } from '../errors';
import { readSessionExport } from '../export/import-session';
import { MAX_SESSION_EXPORT_BYTES, type SessionExport } from '../export/schema';
import { providersFromEnv } from '../llm/from-env';
import type { Workflow } from '../workflow/types';
import { replayMarkdown, replaySummaryMarkdown } from './markdown';
import { replaySessions } from './replay-session';

/** The `uaip` command's help. */
export const USAGE = `uaip replay <export.json>... [options]

Re-runs the accepted answers of exported sessions through another workflow (prompt) version
or model, without asking anyone, and compares scores, follow-ups, artifacts, gates, decision,
tokens and cost.

Options:
  --workflow-version <v>  the workflow version to replay on (default: each session's own)
  --workflows <module>    a module whose default (or \`workflows\`) export is the workflows to
                          replay on, e.g. a copy of U-AIP with a changed prompt (default: U-AIP)
  --provider <name>       demo, anthropic or ollama (default: LLM_PROVIDERS, as the server)
  --model <model>         the model of that provider (both tiers)
  --format <format>       markdown (default) or json
  --out <file>            write the report there rather than to stdout
  -h, --help              this help

Exit status: 0 when no decision changed, 1 when one did, 2 on bad usage, invalid input or a
replay that failed.`;

/** Where the command reads and writes: the process, or a test's stand-ins. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(line: string): void;
  /** The default workflows, loaded only when no `--workflows` module is given. */
  defaultWorkflows(): Promise<Workflow[]>;
}

/** A usage or input problem: reported in one line, exit status 2. */
class UsageError extends Error {}

/** Runs `uaip <argv>`; resolves to the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`uaip: ${message}`);
    if (error instanceof UsageError) io.stderr('Run `uaip --help` for the options.');
    return 2;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'replay') throw new UsageError(`unknown command "${command}"; known: replay`);
  const { values, positionals } = parseOptions(rest);
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one export file');
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json')
    throw new UsageError(`--format must be markdown or json, not "${format}"`);

  const workflows = values.workflows
    ? await loadWorkflows(values.workflows)
    : await io.defaultWorkflows();
  const llm = llmOf(values.provider, values.model, io);
  const documents = await Promise.all(positionals.map(readExport));
  const summary = await replaySessions(documents, {
    workflows,
    llm,
    workflowVersion: values['workflow-version'],
  });

  const single = summary.reports.length === 1 ? summary.reports[0]! : null;
  const body =
    format === 'json'
      ? `${JSON.stringify(single ?? summary, null, 2)}\n`
      : single
        ? replayMarkdown(single)
        : replaySummaryMarkdown(summary);
  if (values.out) await writeFile(values.out, body);
  else io.stdout(body);
  io.stderr(
    `uaip replay: ${summary.decisionsChanged} of ${summary.sessions} decision(s) changed` +
      (values.out ? `; report written to ${values.out}` : ''),
  );
  return summary.decisionsChanged > 0 ? 1 : 0;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        'workflow-version': { type: 'string' },
        workflows: { type: 'string' },
        provider: { type: 'string' },
        model: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The provider through the server's own configuration (`providersFromEnv`), so keys, hosts
 * and timeouts are read as there: `--provider` replaces `LLM_PROVIDERS`, `--model` the
 * provider's models of both tiers.
 */
function llmOf(provider: string | undefined, model: string | undefined, io: CliIo) {
  const env = { ...io.env };
  if (provider !== undefined) {
    if (!['demo', 'anthropic', 'ollama'].includes(provider))
      throw new UsageError(`--provider must be demo, anthropic or ollama, not "${provider}"`);
    env.LLM_PROVIDERS = provider;
  }
  if (model !== undefined) {
    for (const prefix of ['ANTHROPIC_MODEL', 'OLLAMA_MODEL'])
      for (const tier of ['', '_FAST', '_BALANCED']) env[`${prefix}${tier}`] = model;
  }
  const { llm, providers, warnings } = providersFromEnv(env);
  if (providers.length === 0)
    throw new UsageError(`no LLM provider to replay with: ${warnings.join('; ') || 'none named'}`);
  if (model !== undefined && providers.some((configured) => configured.demo))
    io.stderr('uaip replay: --model does not apply to the demo provider');
  return llm;
}

// As the import route: the file may be indented (twice the size), its compact JSON not.
const MAX_FILE_BYTES = 2 * MAX_SESSION_EXPORT_BYTES;

async function readExport(file: string): Promise<SessionExport> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES)
      throw new UsageError(`${file}: larger than a session export file may be (10 MB)`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  try {
    // The import's own checks: format, version, size, nesting and the schema.
    return readSessionExport(json);
  } catch (error) {
    if (!(error instanceof UaipError)) throw error;
    const problems = (error.details ?? [])
      .slice(0, 3)
      .map((detail) => `${detail.path || '(document)'}: ${detail.message}`);
    throw new UsageError(`${file}: not a uaip session export (${problems.join('; ')})`);
  }
}

async function loadWorkflows(module: string): Promise<Workflow[]> {
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as {
    default?: unknown;
    workflows?: unknown;
  };
  const value = loaded.workflows ?? loaded.default;
  const workflows = Array.isArray(value) ? value : value ? [value] : [];
  if (workflows.length === 0 || !workflows.every(isWorkflow))
    throw new UsageError(`${module}: export the workflows as \`workflows\` or as its default`);
  return workflows;
}

const isWorkflow = (value: unknown): value is Workflow =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Workflow).id === 'string' &&
  typeof (value as Workflow).version === 'string' &&
  Array.isArray((value as Workflow).stages);

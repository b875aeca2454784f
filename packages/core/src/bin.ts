#!/usr/bin/env node
import { runCli } from './replay/cli';

// A reader that stops early (`uaip replay … | head`) is not an error of the replay.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

// U-AIP is loaded only when no --workflows module replaces it.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (line) => process.stderr.write(`${line}\n`),
  defaultWorkflows: async () => [(await import('./uaip/workflow')).uaipWorkflow],
});

#!/usr/bin/env node
import { runCli } from './cli';

const code = runCli(process.argv.slice(2), process.env, (line) =>
  process.stderr.write(`${line}\n`),
);
if (code !== null) process.exitCode = code;

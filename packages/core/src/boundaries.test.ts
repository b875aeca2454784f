import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The core must stay embeddable anywhere: no web framework, database driver or DOM library.
const FORBIDDEN = [
  /^koa($|\/)/,
  /^koa-/,
  /^@koa\//,
  /^pg($|\/)/,
  /^pg-/,
  /^@electric-sql\/pglite/,
  /^lit($|\/)/,
  /^@lit\//,
];

const SPECIFIER =
  /\b(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function importedModules(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

function forbiddenImports(source: string): string[] {
  return importedModules(source).filter((name) => FORBIDDEN.some((pattern) => pattern.test(name)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('the U-AIP workflow uses the public SDK only', () => {
  it('imports nothing from the core but its public index', () => {
    const uaip = join(import.meta.dirname, 'uaip');
    const offenders = sourceFiles(uaip).flatMap((file) =>
      importedModules(readFileSync(file, 'utf8'))
        .filter((name) => name.startsWith('.'))
        .filter((name) => {
          const target = join(file, '..', name);
          return !target.startsWith(uaip) && target !== join(import.meta.dirname, 'index');
        })
        .map((name) => `${relative(uaip, file)} imports ${name}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('core import boundaries', () => {
  it('spots every form of a forbidden import', () => {
    const sample = [
      "import Koa from 'koa';",
      "import type { Pool } from 'pg';",
      "export { html } from 'lit';",
      "const lite = await import('@electric-sql/pglite');",
      "const router = require('@koa/router');",
      "import { z } from 'zod';",
      "import { thing } from './pg-helpers';",
    ].join('\n');
    expect(forbiddenImports(sample)).toEqual([
      'koa',
      'pg',
      'lit',
      '@electric-sql/pglite',
      '@koa/router',
    ]);
  });

  it('keeps packages/core/src free of Koa, pg, PGlite and Lit', () => {
    const root = import.meta.dirname;
    const offenders = sourceFiles(root)
      .filter((file) => !file.endsWith('boundaries.test.ts'))
      .flatMap((file) =>
        forbiddenImports(readFileSync(file, 'utf8')).map(
          (name) => `${relative(root, file)} imports ${name}`,
        ),
      );
    expect(offenders).toEqual([]);
  });

  it('imports OpenTelemetry (an optional peer) for its types only, outside tests', () => {
    const root = import.meta.dirname;
    const runtime = /^\s*(?:import|export)\s+(?!type\b)[^;]*?['"]@opentelemetry\//m;
    const offenders = sourceFiles(root)
      .filter((file) => !/\.test(-support)?\.ts$/.test(file))
      .filter((file) => runtime.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
    expect(runtime.test("import { trace } from '@opentelemetry/api';")).toBe(true);
    expect(runtime.test("import type { Tracer } from '@opentelemetry/api';")).toBe(false);
  });
});

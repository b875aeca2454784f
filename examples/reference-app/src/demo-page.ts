import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Where the web component bundle lives, once `@uaip/web-component` is built. */
export function bundlePath(): string {
  return fileURLToPath(import.meta.resolve('@uaip/web-component/standalone'));
}

/**
 * The files the page may load from `/assets/`: the bundle, and the chunks it imports beside it
 * (`uaip-<name>-<hash>.js`: Lit, the review UI imported on demand). Nothing else is read.
 */
const ASSET = /^\/assets\/(uaip-web-component|uaip-[a-z-]+-[A-Z0-9]{8})\.js$/;

/**
 * The demo page at `/`: a sign-in form, the user's sessions and the running session, all in
 * `<uaip-app>`, served with the web component bundle at `/assets/uaip-web-component.js`.
 */
export function demoPage(options: { demo: boolean }): Middleware {
  const files = new Map<string, Promise<Buffer>>();
  const page = html(options.demo);
  return async (ctx, next) => {
    if (ctx.path === '/' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.state.route = 'GET /';
      ctx.set('Content-Security-Policy', PAGE_CSP);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = page;
      return;
    }
    const asset = ASSET.exec(ctx.path)?.[1];
    if (asset && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      // One route label for the chunks: their hashes change with every build.
      ctx.state.route =
        asset === 'uaip-web-component' ? `GET ${ctx.path}` : 'GET /assets/uaip-chunk.js';
      const name = `${asset}.js`;
      let file = files.get(name);
      if (!file) {
        // The bundle's folder and a name the pattern allows: no path from the request is read.
        file = readFile(join(dirname(bundlePath()), name)).catch((error: unknown) => {
          files.delete(name);
          throw error;
        });
        files.set(name, file);
      }
      let body: Buffer;
      try {
        body = await file;
      } catch (error) {
        if (asset === 'uaip-web-component') throw error;
        // A chunk of another build (the bundle was rebuilt): not found, as any unknown path.
        await next();
        return;
      }
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = body;
      return;
    }
    await next();
  };
}

function html(demo: boolean): string {
  const notice = demo
    ? '<p class="demo" role="note">This server runs the <strong>demo</strong> provider: answers are scored by simple rules, not by a language model. Use it to try the flow, not to decide.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>U-AIP: scope an AI project</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f; background: #f6f7f9; }
  header, main { max-width: 56rem; margin: 0 auto; padding: 1rem 1.5rem; }
  header h1 { font-size: 1.5rem; margin: 1rem 0 0.25rem; }
  header p { margin: 0.25rem 0; color: #4a4f59; }
  .demo { border: 2px solid #b35900; background: #fff4e5; padding: 0.5rem 0.75rem; color: #1d1d1f; }
  uaip-app { display: block; background: #fff; border-radius: 12px; padding: 1.25rem; box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
</style>
</head>
<body>
<header>
<h1>U-AIP: scope an AI project</h1>
<p>Five short stages take an idea to an AI Project Charter with a governance decision.</p>
${notice}
</header>
<main>
<uaip-app api-base="/api/v1"></uaip-app>
</main>
<script type="module" src="/assets/uaip-web-component.js"></script>
</body>
</html>
`;
}

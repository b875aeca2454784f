// Folded stacks drawn as a flame graph (an icicle: callers above callees), a self-contained
// SVG with a tooltip per frame. Frames under 0.1 % of the total are left out.

interface Frame {
  name: string;
  micros: number;
  children: Map<string, Frame>;
}

const WIDTH = 1200;
const ROW = 16;
const MIN_SHARE = 0.001;

export function flameGraphSvg(folded: Map<string, number>, title: string): string {
  const root: Frame = { name: 'all', micros: 0, children: new Map() };
  for (const [stack, micros] of folded) {
    const frames = stack.split(';');
    const leaf = frames.at(-1)!;
    if (leaf.startsWith('(idle)') || leaf.startsWith('(program)')) continue;
    root.micros += micros;
    let at = root;
    for (const name of frames.filter((frame) => frame !== '(root)')) {
      let child = at.children.get(name);
      if (!child) {
        child = { name, micros: 0, children: new Map() };
        at.children.set(name, child);
      }
      child.micros += micros;
      at = child;
    }
  }
  const rects: string[] = [];
  let depth = 0;
  const draw = (frame: Frame, x: number, level: number) => {
    const width = (frame.micros / root.micros) * WIDTH;
    if (frame.micros / root.micros < MIN_SHARE) return;
    depth = Math.max(depth, level);
    const y = 30 + level * ROW;
    const share = ((frame.micros / root.micros) * 100).toFixed(1);
    const label = width > 40 ? truncate(frame.name, width) : '';
    rects.push(
      `<g><title>${escapeXml(frame.name)} (${share} %, ${(frame.micros / 1000).toFixed(0)} ms)</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(0.5, width - 0.5).toFixed(2)}" height="${ROW - 1}" fill="${colour(frame.name)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 11}">${escapeXml(label)}</text>` : '') +
        '</g>',
    );
    let childX = x;
    for (const child of [...frame.children.values()].sort((a, b) => b.micros - a.micros)) {
      draw(child, childX, level + 1);
      childX += (child.micros / root.micros) * WIDTH;
    }
  };
  draw(root, 0, 0);
  const height = 30 + (depth + 2) * ROW;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="monospace" font-size="10">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="18" font-size="13">${escapeXml(title)}</text>`,
    ...rects,
    '</svg>',
  ].join('\n');
}

function truncate(name: string, width: number): string {
  const chars = Math.floor((width - 6) / 6);
  return name.length <= chars ? name : `${name.slice(0, Math.max(0, chars - 1))}…`;
}

function colour(name: string): string {
  if (name.includes('@uaip/')) return '#8ab6e8';
  if (/ (pg|pg-protocol|pg-pool)\//.test(name)) return '#9bd19b';
  if (
    / (koa|@koa|koa-[a-z]+|jsonwebtoken|jws|rate-limiter-flexible|pino|prom-client|zod)\//.test(
      name,
    )
  )
    return '#f2b872';
  if (name.includes(' node:') || name.startsWith('(garbage')) return '#cfcfcf';
  return '#e8a0a0';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

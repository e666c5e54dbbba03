// The view and the plain-JS reference of the Mandelbrot example, with no Node
// imports: the Node example (render.mjs) and the browser demo
// (examples/browser/) both use them.

/** The classic view of the whole set, with square pixels. */
export function view(width, height, { centerX = -0.75, centerY = 0, spanX = 3.5 } = {}) {
  const dx = spanX / width;
  const dy = dx;
  return { x0: centerX - (dx * width) / 2, y0: centerY - (dy * height) / 2, dx, dy };
}

/** Escape count of one pixel, same operation order as kernel.ts. */
export function escapeJs(cr, ci, maxIter) {
  let zr = 0, zi = 0, i = 0;
  while (i < maxIter) {
    const zr2 = zr * zr, zi2 = zi * zi;
    if (zr2 + zi2 > 4) break;
    zi = 2 * zr * zi + ci;
    zr = zr2 - zi2 + cr;
    i++;
  }
  return i;
}

export function renderJs(width, height, maxIter, v = view(width, height)) {
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    const ci = v.y0 + y * v.dy;
    for (let x = 0; x < width; x++) out[y * width + x] = escapeJs(v.x0 + x * v.dx, ci, maxIter);
  }
  return out;
}

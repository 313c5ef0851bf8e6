// Builds the web app (web/) into dist/web: one bundled, minified script and one stylesheet in
// dist/web/assets (served as /assets), and the page template beside them, not among them.
// Part of `npm run build`, so `npm start` and `npm install && npm start` need nothing more.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const root = new URL('../dist/web/', import.meta.url);
const out = new URL('assets/', root);
await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: { app: 'web/src/main.ts' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  sourcemap: true,
  outdir: out.pathname,
  metafile: true,
  logLevel: 'warning',
});
await build({
  entryPoints: { app: 'web/styles.css' },
  bundle: true,
  minify: true,
  outdir: out.pathname,
  logLevel: 'warning',
});
await copyFile('web/index.html', new URL('index.html', root));
const js = await readFile(new URL('app.js', out));
const css = await readFile(new URL('app.css', out));
const sizes = {
  js: js.length,
  jsGzip: gzipSync(js).length,
  css: css.length,
  cssGzip: gzipSync(css).length,
};
await writeFile(new URL('sizes.json', root), JSON.stringify(sizes, null, 2) + '\n');
if (process.env.BUILD_WEB_QUIET !== '1') {
  process.stdout.write(
    `web app: app.js ${(sizes.jsGzip / 1024).toFixed(1)} KB gzipped, app.css ${(sizes.cssGzip / 1024).toFixed(1)} KB gzipped\n`,
  );
}
void result;

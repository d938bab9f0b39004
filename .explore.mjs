import * as esbuild from 'esbuild';
const r = await esbuild.build({ entryPoints: ['functions/handlers/data-arrived.ts'], bundle: true, minify: true, keepNames: true, platform: 'node', target: 'node22', format: 'esm', mainFields: ['module','main'], loader: {'.yml':'text'}, outdir: '/tmp/bx/out', outExtension: {'.js':'.mjs'}, metafile: true, banner: {js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"} });
const out = Object.values(r.metafile.outputs)[0];
console.log('bytes', out.bytes);
const byPkg = {};
for (const [f, v] of Object.entries(out.inputs)) {
  const m = f.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const k = m ? m[1] : f.split('/').slice(0,2).join('/');
  byPkg[k] = (byPkg[k] ?? 0) + v.bytesInOutput;
}
console.log(Object.entries(byPkg).sort((a,b)=>b[1]-a[1]).slice(0,30));
for (const [f,b] of Object.entries(out.inputs).map(([f,v])=>[f.replace(/.*node_modules\//,""),v.bytesInOutput]).sort((a,b)=>b[1]-a[1]).slice(0,40)) console.log(b, f);

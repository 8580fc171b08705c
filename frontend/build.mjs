// Bundles src/tilemap.js with maplibre-gl and pmtiles into the app's static folder
// (layouts/map/static/, gitignored; served only by the all-villages page). No CDN.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "../layouts/map/static";
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ["src/tilemap.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  outfile: `${out}/tilemap.js`,
  logLevel: "warning",
});
copyFileSync("node_modules/maplibre-gl/dist/maplibre-gl.css", `${out}/maplibre-gl.css`);
console.log(`built ${out}/tilemap.js and maplibre-gl.css`);

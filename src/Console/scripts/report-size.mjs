// Prints the production bundle's JavaScript, raw and gzipped, and fails the build above the
// budget of issue 17 (250 KB gzipped).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const budget = 250 * 1024;
const dir = new URL("../dist/assets/", import.meta.url).pathname;
let raw = 0;
let gz = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith(".js"))) {
  const bytes = readFileSync(join(dir, name));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1) + " KB";
console.log(`console bundle: JavaScript ${kb(raw)}, gzipped ${kb(gz)} (budget ${kb(budget)})`);
if (gz > budget) {
  console.error("console bundle: over budget");
  process.exit(1);
}

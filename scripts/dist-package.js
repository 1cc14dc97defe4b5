// Writes dist/package.json so the compiled tree resolves the package's `#…` import aliases to compiled files.
// The root package.json maps them to TypeScript sources (run by tsx, vitest and tsc); Node resolves `imports` from the
// nearest package.json, which for dist/** is this one (Node docs, "Subpath imports").
import { readFileSync, writeFileSync } from 'node:fs';

const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const imports = Object.fromEntries(
  Object.entries(root.imports).map(([k, v]) => [k, v.replace(/\.ts$/, '.js')]),
);
writeFileSync(
  new URL('../dist/package.json', import.meta.url),
  JSON.stringify({ type: 'module', imports }, null, 2) + '\n',
);

#!/usr/bin/env node
// orch-top's command. The program lives in dist/ (built by `npm run build`, run by `npm ci`).
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli/main.js')) {
    process.stderr.write('orch-top: not built yet: run `npm run build` (or `npm ci`) in the orch-top directory\n');
    process.exit(2);
  }
  throw e;
}
process.exitCode = await main(process.argv.slice(2));

import { defineConfig } from 'tsdown';

// The custom server (`dist/server.mjs`, what `pnpm start` runs), as ESM that `node` runs as is: the workspace packages
// it imports are compiled in; npm packages (Next among them) stay imports, and the build fails if one is used without
// being listed in `dependencies`. Next builds the pages themselves into `.next`.
export default defineConfig({
  entry: { server: 'server/main.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  deps: { alwaysBundle: [/^@jobstream\//], onlyBundle: [] },
});

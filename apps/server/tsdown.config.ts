import { defineConfig } from 'tsdown';

// The process (`dist/main.mjs`, what `pnpm start` runs) and the library (`dist/index.mjs`, `startApiServer` for hosts
// and the bench), as ESM that `node` runs as is. The workspace packages (TypeScript source) are compiled in; npm
// packages stay imports, resolved from node_modules, and the build fails if one is used without being listed in
// `dependencies`.
export default defineConfig({
  entry: ['src/main.ts', 'src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  deps: { alwaysBundle: [/^@jobstream\//], onlyBundle: [] },
});

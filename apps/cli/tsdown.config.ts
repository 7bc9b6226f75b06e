import { defineConfig } from 'tsdown';

// One ESM file that `node` runs as is: the workspace packages (TypeScript source, devDependencies here) are
// bundled in; the npm packages in `dependencies` stay imports, resolved from node_modules.
export default defineConfig({
  entry: ['src/main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The preload: ONE CommonJS file with nothing but `electron` required, as sandboxed preloads need.
export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL('./out/preload', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    lib: {
      entry: fileURLToPath(new URL('./preload/index.ts', import.meta.url)),
      formats: ['cjs'],
      fileName: () => 'index.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});

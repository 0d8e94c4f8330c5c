import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// The main process and the CLI, for Node/Electron. Dependencies stay external (native keytar,
// ws, ffmpeg) and load from node_modules at run time.
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron', ...Object.keys(pkg.dependencies)];

export default defineConfig({
  build: {
    ssr: true,
    outDir: fileURLToPath(new URL('./out/main', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      input: {
        cli: fileURLToPath(new URL('./main/cli/index.ts', import.meta.url)),
        electron: fileURLToPath(new URL('./main/electron.ts', import.meta.url)),
      },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

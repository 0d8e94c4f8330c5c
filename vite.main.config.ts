import { copyFileSync, mkdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

// The main process and the CLI, for Node/Electron. Dependencies stay external (native keytar,
// ws, ffmpeg) and load from node_modules at run time.
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'electron', ...Object.keys(pkg.dependencies)];

// Files the bundle loads by path at run time (new URL('./x', import.meta.url)): copied next to
// the entry chunks (all chunks sit in out/main, so one copy serves every chunk, the simulator's
// included). The simulator's RTSP relay is a Python script run by /usr/bin/python3.
const runtimeFiles = ['simulator/media/rtsp-server.py'];
const simulatorDir = fileURLToPath(new URL('./simulator/', import.meta.url));

export default defineConfig({
  plugins: [
    {
      name: 'tessera-runtime-files',
      writeBundle(options) {
        mkdirSync(options.dir!, { recursive: true });
        for (const file of runtimeFiles) copyFileSync(fileURLToPath(new URL(`./${file}`, import.meta.url)), `${options.dir}/${file.split('/').pop()}`);
      },
    },
  ],
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
        // Also an entry of its own: the live bench registers its children with the same reaper.
        'child-reaper': fileURLToPath(new URL('./main/processes/child-reaper.ts', import.meta.url)),
      },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
        // The simulator (main/demo imports it lazily) is one chunk of its own, named so, that only
        // the demo and `tessera sim` load; nothing of it rides along in the chunks every start reads.
        manualChunks: (id) => (id.startsWith(simulatorDir) ? 'simulator' : undefined),
      },
    },
  },
});

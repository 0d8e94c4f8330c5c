import { defineConfig } from 'vitest/config';

// Two projects: unit (pure logic, no processes or sockets) and integration (real ffmpeg,
// real HTTP/RTSP against the simulator, real keychain). e2e runs under Playwright instead.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // The machine has 2 cores shared with ffmpeg and the RTSP server: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});

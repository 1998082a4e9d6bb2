import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Several tests start `hearth` child processes (each loads tsx: about a second alone, several
    // on a loaded 2-core machine); Vitest's 5 s default made them fail by load, not by fault.
    testTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'policies/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Decisions in tests must not depend on this host's load: the hardware band is off unless a test asks for it
    // (AEGIS_HW=sim for the simulator, auto for the real sources).
    env: { AEGIS_HW: 'off' },
    reporters: ['default'],
  },
});

import { testConfig } from '../../vitest.shared.ts';

// Each file runs an app of several real API processes; one file at a time keeps a 2-core machine responsive.
export default testConfig({ test: { fileParallelism: false } });

import { testConfig } from '../../vitest.shared.ts';

// The API's test files mostly wait on Postgres, S3 and Redis, so three run at once on two cores.
export default testConfig({ test: { maxWorkers: 3 } });

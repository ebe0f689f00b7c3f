// Registered in vitest.config.ts setupFiles: runs in every test file, so its hook ends each file.
import { afterAll } from 'vitest';
import { removeScratchDirs } from './scratch-dir.ts';

afterAll(removeScratchDirs);

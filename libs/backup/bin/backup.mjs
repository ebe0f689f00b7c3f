#!/usr/bin/env node
// From source: tsx compiles the engine on load. Where memory counts (a cron container, a small
// server), run the bundle instead: `nx run backup:build`, then `node dist/libs/backup/backup.mjs`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

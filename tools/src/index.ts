export { createNodesV2, type OpsPluginOptions } from './plugin.ts';

export { createNodes, createNodesV2 } from './plugin/create-nodes.ts';
export { pluginOptionsSchema, type OpsPluginOptions } from './plugin/options.ts';

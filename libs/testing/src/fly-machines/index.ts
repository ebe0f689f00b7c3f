export { startFlyMachinesSimulator, FlyMachinesSimulator, type FlyMachinesSimulatorOptions } from './simulator.ts';
export { apiImageFromSource, type ImageDefinition, type SourceImageOptions } from './images.ts';
export type { SimMachine, SimMachineConfig } from './machine-state.ts';

import { TAG, type Machine } from './machine.ts';

/** A release found unfinished on the machines: what it created and which old machines it took out. */
export interface InterruptedRelease {
  deployment: string;
  image: string | null;
  created: Machine[];
  releaseCommandMachines: Machine[];
  cordonedOld: Machine[];
}

/** Machines still tagged with a deployment id belong to a release that never finished. */
export function findInterrupted(machines: readonly Machine[]): InterruptedRelease[] {
  const byId = new Map<string, InterruptedRelease>();
  const entry = (deployment: string) => {
    let found = byId.get(deployment);
    if (!found)
      byId.set(
        deployment,
        (found = { deployment, image: null, created: [], releaseCommandMachines: [], cordonedOld: [] }),
      );
    return found;
  };
  for (const m of machines) {
    const metadata = m.config.metadata ?? {};
    const deployment = metadata[TAG.deployment];
    const replacedBy = metadata[TAG.replacedBy];
    if (deployment) {
      const release = entry(deployment);
      if (metadata[TAG.role] === 'release_command') release.releaseCommandMachines.push(m);
      else {
        release.created.push(m);
        release.image ??= m.config.image;
      }
    } else if (replacedBy) entry(replacedBy).cordonedOld.push(m);
  }
  return [...byId.values()];
}

/** The app's serving machines: process group `app` (or none), not a release command's. */
export function appMachines(machines: readonly Machine[]): Machine[] {
  return machines.filter((m) => {
    const metadata = m.config.metadata ?? {};
    const group = metadata[TAG.processGroup];
    return (
      (group === undefined || group === 'app') && metadata[TAG.role] !== 'release_command' && m.state !== 'destroyed'
    );
  });
}

import { isMap, isSeq, parseDocument, stringify, type YAMLMap } from 'yaml';
import type { EnvEntry } from './env-values.ts';
import { isSecretVariable } from './env-values.ts';
import { platformValue } from './platform-values.ts';
import { spliceItem } from './yaml-splice.ts';

export type BlueprintChange =
  | { kind: 'unchanged'; group: string }
  | { kind: 'conflict'; group: string }
  | { kind: 'changed'; group: string; text: string };

/**
 * Adds the environment's env group to a Render Blueprint, derived from an existing group: the same keys,
 * this environment's non-secret values. Placeholders are left out (a group cannot prompt) and named in a
 * comment. The YAML Document API keeps every comment and the layout of the rest of the file.
 */
export function addEnvironmentGroup(
  text: string,
  options: {
    path: string;
    environment: string;
    template: string | undefined;
    entries: readonly EnvEntry[];
    requiredWithoutDefault: ReadonlySet<string>;
    force: boolean;
  },
): BlueprintChange {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`${options.path}: ${document.errors[0]!.message}`);
  const groups = document.get('envVarGroups');
  if (!isSeq(groups))
    throw new Error(`${options.path} has no envVarGroups to derive the ${options.environment} group from`);
  const named = (name: string) =>
    groups.items.findIndex((item) => isMap(item) && (item as YAMLMap).get('name') === name);
  const templateName = options.template ?? onlyGroupName(groups.items, options.path);
  const templateIndex = named(templateName);
  if (templateIndex < 0) throw new Error(`${options.path} has no env group named ${templateName} (--renderGroup)`);
  const groupName = `${templateName}-${options.environment}`;

  const template = groups.items[templateIndex] as YAMLMap;
  const base = (template.toJSON() as { envVars?: { key: string; value?: unknown }[] }).envVars ?? [];
  const byName = new Map(options.entries.map((entry) => [entry.variable.name, entry]));
  const envVars: { key: string; value: string }[] = [];
  const toFill: string[] = [];
  for (const { key, value: baseValue } of base) {
    const entry = byName.get(key);
    if (baseValue === undefined || (entry && isSecretVariable(entry.variable))) continue;
    const { value, placeholder } = platformValue(key, String(baseValue), entry, options);
    if (placeholder) toFill.push(key);
    else if (value !== '') envVars.push({ key, value });
  }
  const group = { name: groupName, envVars };
  const comment = [
    `The ${options.environment} environment's settings, written by \`nx g @shopops/ops:new-env ${options.environment}\` from ${templateName}.`,
    ...(toFill.length > 0 ? [`Still to set in the Dashboard (no value yet): ${toFill.join(', ')}.`] : []),
  ];

  const existing = named(groupName);
  if (existing >= 0) {
    if (JSON.stringify((groups.items[existing] as YAMLMap).toJSON()) === JSON.stringify(group)) {
      return { kind: 'unchanged', group: groupName };
    }
    if (!options.force) return { kind: 'conflict', group: groupName };
  }
  const lines = [
    ...comment.map((line) => `# ${line}`),
    ...stringify([group], { singleQuote: true, lineWidth: 0 }).trimEnd().split('\n'),
  ];
  const changed = spliceItem(
    text,
    groups.items as YAMLMap[],
    lines,
    existing >= 0 ? { index: existing, withCommentAbove: true } : undefined,
  );
  const expected = document.toJSON() as { envVarGroups: unknown[] };
  if (existing >= 0) expected.envVarGroups[existing] = group;
  else expected.envVarGroups.push(group);
  if (JSON.stringify(parseDocument(changed).toJSON()) !== JSON.stringify(expected)) {
    throw new Error(
      `adding the ${groupName} group would change more of ${options.path} than the group; nothing was written`,
    );
  }
  return { kind: 'changed', group: groupName, text: changed };
}

/** The Blueprint's one group that is not derived from another (`<group>-<env>`, as new-env names them). */
function onlyGroupName(items: unknown[], path: string): string {
  const names = items.filter(isMap).map((item) => String((item as YAMLMap).get('name')));
  const originals = names.filter((name) => !names.some((other) => name.startsWith(`${other}-`)));
  if (originals.length !== 1) {
    throw new Error(
      `${path} has ${originals.length} env groups (${originals.join(', ')}): name the one to derive from with --renderGroup`,
    );
  }
  return originals[0]!;
}

/** `{{ env.NAME }}`, `{{ vars.name }}` and `{{ captured.name }}` inside any string of a check. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ANY_BRACES = /\{\{([^}]*)\}\}/g;

export const NAMESPACES = ['env', 'vars', 'captured'] as const;
export type Namespace = (typeof NAMESPACES)[number];

export interface Reference {
  namespace: string;
  name: string;
  /** As written, for messages. */
  text: string;
}

export type Scope = Record<Namespace, Record<string, string | undefined>> & {
  /** Captured values as the response had them (a number stays a number in a JSON body). */
  capturedValues?: Record<string, unknown>;
};

const WHOLE_CAPTURE = /^\{\{\s*captured\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

/** Every placeholder in a text, including malformed ones (reported by the validator). */
export function referencesIn(text: string): Reference[] {
  return [...text.matchAll(ANY_BRACES)].map((match) => {
    const parsed = new RegExp(PLACEHOLDER.source).exec(match[0]);
    return parsed
      ? { namespace: parsed[1]!, name: parsed[2]!, text: match[0] }
      : { namespace: '', name: match[1]!.trim(), text: match[0] };
  });
}

/** Every string inside a value (objects and arrays walked), with its path below the value. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[string, (string | number)[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, [...path, i]);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, [...path, key]);
}

/** Fills the placeholders of a text; the validator made sure every one of them can be filled. */
export function render(text: string, scope: Scope): string {
  return text.replace(PLACEHOLDER, (whole, namespace: string, name: string) => {
    const value = scope[namespace as Namespace]?.[name];
    if (value === undefined) throw new Error(`${whole} has no value`);
    return value;
  });
}

/**
 * The same for every string inside a value. A string that is one capture and nothing else becomes
 * the captured value itself, so `productId: '{{ captured.productId }}'` sends a number.
 */
export function renderDeep<T>(value: T, scope: Scope): T {
  if (typeof value === 'string') {
    const whole = WHOLE_CAPTURE.exec(value)?.[1];
    if (whole !== undefined && scope.capturedValues && whole in scope.capturedValues)
      return scope.capturedValues[whole] as T;
    return render(value, scope) as T;
  }
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, scope)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)])) as T;
  return value;
}

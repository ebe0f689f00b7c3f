import { isMap, isScalar, LineCounter, type Document, type Node } from 'yaml';

export type Path = readonly (string | number)[];

/** Lines of a parsed YAML (or JSON) document by path, so every message can say where. */
export class Positions {
  constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The 1-based line of the value at `path`, else of the nearest ancestor that exists. */
  lineOf(path: Path): number | undefined {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.document.getIn(path.slice(0, depth), true) as Node | undefined;
      if (node?.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  /** The line of a key inside the map at `path` (an unknown key points at itself, not its parent). */
  lineOfKey(path: Path, key: string): number | undefined {
    const map = path.length === 0 ? this.document.contents : this.document.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return this.lines.linePos(keyNode.range[0]).line;
    }
    return this.lineOf(path);
  }

  static lineCounter(): LineCounter {
    return new LineCounter();
  }
}

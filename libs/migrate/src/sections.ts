import { MigrateError } from './errors.ts';
import type { MigrationSection } from './types.ts';

const MARKER = /^--\s*migrate:(up|down)(?:\s+(.*))?$/;

interface Marker {
  direction: 'up' | 'down';
  line: number;
  transaction: boolean;
}

/** Splits a dbmate file (line endings already normalised) into its `-- migrate:up` / `-- migrate:down` sections. */
export function parseSections(content: string, file: string): { up: MigrationSection; down?: MigrationSection } {
  const lines = content.split('\n');
  const markers = findMarkers(lines, file);
  const up = markers.find((m) => m.direction === 'up');
  if (!up) {
    throw new MigrateError('no `-- migrate:up` section', {
      file,
      line: 1,
      remedy:
        'add a line `-- migrate:up` above the SQL that applies the change (and `-- migrate:down` above the SQL that reverts it)',
    });
  }
  rejectStatementsBeforeFirstMarker(lines, markers[0]!.line, file);
  const sectionOf = (marker: Marker): MigrationSection => {
    const next = markers.find((m) => m.line > marker.line);
    const body = lines.slice(marker.line, next ? next.line - 1 : lines.length);
    return { sql: body.join('\n'), startLine: marker.line + 1, transaction: marker.transaction };
  };
  const down = markers.find((m) => m.direction === 'down');
  return { up: sectionOf(up), down: down && sectionOf(down) };
}

function findMarkers(lines: string[], file: string): Marker[] {
  const markers: Marker[] = [];
  lines.forEach((text, index) => {
    const match = MARKER.exec(text.trimEnd());
    if (!match) return;
    const direction = match[1] as Marker['direction'];
    const line = index + 1;
    if (markers.some((m) => m.direction === direction)) {
      throw new MigrateError(`a second \`-- migrate:${direction}\` section`, {
        file,
        line,
        remedy: `keep one \`-- migrate:${direction}\` section per file; put further changes in a new migration`,
      });
    }
    markers.push({ direction, line, transaction: parseTransactionOption(match[2], file, line) });
  });
  return markers;
}

function parseTransactionOption(options: string | undefined, file: string, line: number): boolean {
  let transaction = true;
  for (const option of (options ?? '').split(/\s+/).filter(Boolean)) {
    if (option !== 'transaction:false' && option !== 'transaction:true') {
      throw new MigrateError(`unknown migrate option \`${option}\``, {
        file,
        line,
        remedy: 'the only option is `transaction:false`, e.g. `-- migrate:up transaction:false`',
      });
    }
    transaction = option === 'transaction:true';
  }
  return transaction;
}

// dbmate refuses SQL outside a section; silently skipping it would leave a change unapplied.
function rejectStatementsBeforeFirstMarker(lines: string[], firstMarkerLine: number, file: string): void {
  const index = lines
    .slice(0, firstMarkerLine - 1)
    .findIndex((text) => text.trim() !== '' && !text.trim().startsWith('--'));
  if (index >= 0) {
    throw new MigrateError('SQL before the first `-- migrate:` section', {
      file,
      line: index + 1,
      remedy: 'move it below `-- migrate:up` (or `-- migrate:down`)',
    });
  }
}

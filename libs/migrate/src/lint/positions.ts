/**
 * Maps parser positions to lines. The parser works on the UTF-8 encoding of the SQL, so statement
 * locations are byte offsets, while its error cursor counts characters (code points); neither is a
 * JS string index once the SQL holds non-ASCII text (accents in a COMMENT ON, emoji in seed data, …).
 */
export class SourceText {
  readonly bytes: Buffer;

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }

  /** 0-based line of a byte offset. 0x0A never occurs inside a multi-byte UTF-8 sequence, so counting bytes is exact. */
  lineOfByte(offset: number): number {
    const end = Math.min(Math.max(offset, 0), this.bytes.length);
    let line = 0;
    for (let i = this.bytes.indexOf(0x0a); i !== -1 && i < end; i = this.bytes.indexOf(0x0a, i + 1)) line++;
    return line;
  }

  /** 0-based line of a code-point offset (what Postgres reports as an error cursor). */
  lineOfCodePoint(offset: number): number {
    let line = 0;
    let index = 0;
    for (const char of this.text) {
      if (index++ >= offset) break;
      if (char === '\n') line++;
    }
    return line;
  }
}

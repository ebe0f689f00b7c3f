import { describe, expect, it } from 'vitest';
import type { Migration } from '../src/types.ts';
import { formatFinding, lintMigrations, listRules, type LintFinding } from '../src/lint/index.ts';

const FILE = 'apps/api/migrations/20260301120000_change.sql';

/**
 * A dbmate file whose up section starts on line 2 (line 1 is `-- migrate:up`), so the first line
 * of `sql` is file line 2, the second is line 3, and so on.
 */
function migration(sql: string, opts: { transaction?: boolean; down?: string; file?: string } = {}): Migration {
  const file = opts.file ?? FILE;
  const upLines = sql.split('\n').length;
  return {
    version: file.replace(/^.*\/(\d+)_.*$/, '$1'),
    name: 'change',
    file,
    downFile: file,
    format: 'dbmate',
    up: { sql, startLine: 2, transaction: opts.transaction ?? true },
    down: opts.down === undefined ? undefined : { sql: opts.down, startLine: 2 + upLines + 1, transaction: true },
    checksum: '0'.repeat(64),
  };
}

async function lint(sql: string, opts: { transaction?: boolean; strict?: boolean } = {}): Promise<LintFinding[]> {
  return lintMigrations([migration(sql, opts)], { strict: opts.strict });
}

/** [code, file line] pairs: what the table cases assert. */
async function codesAndLines(sql: string, transaction = true): Promise<Array<[string, number]>> {
  return (await lint(sql, { transaction })).map((f) => [f.code, f.line]);
}

interface Case {
  name: string;
  sql: string;
  transaction?: boolean;
  expected: Array<[string, number]>;
}

const firing: Case[] = [
  {
    name: 'MIG001 drop table (schema-qualified, IF EXISTS)',
    sql: `-- carts moved to Redis in 2026.02
DROP TABLE IF EXISTS shop.legacy_carts;`,
    expected: [['MIG001', 3]],
  },
  {
    name: 'MIG001 drop schema',
    sql: `
DROP SCHEMA reporting CASCADE;`,
    expected: [['MIG001', 3]],
  },
  {
    name: 'MIG002 drop column',
    sql: `ALTER TABLE orders
  DROP COLUMN legacy_total_cents;`,
    expected: [['MIG002', 2]],
  },
  {
    name: 'MIG003 rename table',
    sql: `ALTER TABLE payments RENAME TO payment_attempts;`,
    expected: [['MIG003', 2]],
  },
  {
    name: 'MIG004 rename column',
    sql: `ALTER TABLE products RENAME COLUMN price TO price_cents;`,
    expected: [['MIG004', 2]],
  },
  {
    name: 'MIG005 SET NOT NULL',
    sql: `UPDATE orders SET currency = 'EUR' WHERE currency IS NULL;
ALTER TABLE orders ALTER COLUMN currency SET NOT NULL;`,
    expected: [['MIG005', 3]],
  },
  {
    name: 'MIG005 ADD COLUMN NOT NULL without DEFAULT',
    sql: `ALTER TABLE orders ADD COLUMN channel text NOT NULL;`,
    expected: [['MIG005', 2]],
  },
  {
    name: 'MIG005 ADD CONSTRAINT NOT NULL (Postgres 18)',
    sql: `ALTER TABLE orders ADD CONSTRAINT orders_channel_nn NOT NULL channel;`,
    expected: [['MIG005', 2]],
  },
  {
    name: 'MIG006 CREATE UNIQUE INDEX without CONCURRENTLY',
    sql: `CREATE UNIQUE INDEX products_sku_key ON products (sku);`,
    expected: [['MIG006', 2]],
  },
  {
    name: 'MIG006 ADD CONSTRAINT UNIQUE',
    sql: `ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE (sku);`,
    expected: [['MIG006', 2]],
  },
  {
    name: 'MIG006 ADD PRIMARY KEY',
    sql: `ALTER TABLE feature_flags ADD PRIMARY KEY (key);`,
    expected: [['MIG006', 2]],
  },
  {
    name: 'MIG006 ADD COLUMN ... UNIQUE',
    sql: `ALTER TABLE products ADD COLUMN slug text UNIQUE;`,
    expected: [['MIG006', 2]],
  },
  {
    name: 'MIG007 CREATE INDEX without CONCURRENTLY',
    sql: `-- speeds up the order history page
CREATE INDEX orders_customer_id_idx
  ON orders (customer_id, created_at DESC);`,
    expected: [['MIG007', 3]],
  },
  {
    name: 'MIG008 DROP INDEX without CONCURRENTLY',
    sql: `DROP INDEX IF EXISTS orders_status_idx;`,
    expected: [['MIG008', 2]],
  },
  {
    name: 'MIG009 CREATE INDEX CONCURRENTLY in a transactional section',
    sql: `CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`,
    expected: [['MIG009', 2]],
  },
  {
    name: 'MIG009 DROP INDEX CONCURRENTLY in a transactional section',
    sql: `DROP INDEX CONCURRENTLY orders_status_idx;`,
    expected: [['MIG009', 2]],
  },
  {
    name: 'MIG009 REINDEX CONCURRENTLY in a transactional section',
    sql: `REINDEX INDEX CONCURRENTLY orders_status_idx;`,
    expected: [['MIG009', 2]],
  },
  {
    name: 'MIG009 DETACH PARTITION CONCURRENTLY in a transactional section',
    sql: `ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;`,
    expected: [['MIG009', 2]],
  },
  {
    name: 'MIG009 even on a table created just before',
    sql: `CREATE TABLE coupons (code text);
CREATE INDEX CONCURRENTLY coupons_code_idx ON coupons (code);`,
    expected: [['MIG009', 3]],
  },
  {
    name: 'several findings in one ALTER TABLE, each on the statement line',
    sql: `CREATE TABLE coupons (code text);

ALTER TABLE orders
  DROP COLUMN coupon_code,
  ADD COLUMN coupon_id bigint NOT NULL;
CREATE INDEX orders_coupon_id_idx ON orders (coupon_id);`,
    expected: [
      ['MIG002', 4],
      ['MIG005', 4],
      ['MIG007', 7],
    ],
  },
  {
    name: 'a table created in another schema does not exempt public.<same name>',
    sql: `CREATE TABLE archive.orders (id bigint);
CREATE INDEX orders_id_idx ON orders (id);`,
    expected: [['MIG007', 3]],
  },
];

const safe: Case[] = [
  {
    name: 'everything on a table created earlier in the same file',
    sql: `CREATE TABLE coupons (
  code text,
  percent_off int
);
ALTER TABLE coupons ADD COLUMN created_at timestamptz NOT NULL;
ALTER TABLE coupons ALTER COLUMN percent_off SET NOT NULL;
ALTER TABLE coupons ADD CONSTRAINT coupons_code_key UNIQUE (code);
ALTER TABLE coupons ADD PRIMARY KEY (code);
CREATE UNIQUE INDEX coupons_lower_code_key ON coupons (lower(code));
CREATE INDEX coupons_created_at_idx ON coupons (created_at);
ALTER TABLE coupons RENAME COLUMN percent_off TO percent;
ALTER TABLE coupons DROP COLUMN created_at;`,
    expected: [],
  },
  {
    name: 'schema-qualified new table matched with and without the default schema',
    sql: `CREATE TABLE public.coupons (code text);
CREATE INDEX coupons_code_idx ON coupons (code);
CREATE TABLE shop.gift_cards (code text);
CREATE INDEX gift_cards_code_idx ON shop.gift_cards (code);`,
    expected: [],
  },
  {
    name: 'CREATE TABLE AS, SELECT INTO and a renamed new table count as new',
    sql: `CREATE TABLE order_totals AS SELECT order_id, sum(price_cents) AS total FROM order_items GROUP BY order_id;
CREATE UNIQUE INDEX order_totals_order_id_key ON order_totals (order_id);
SELECT * INTO flags_copy FROM feature_flags;
CREATE INDEX flags_copy_key_idx ON flags_copy (key);
CREATE TABLE tmp_refunds (id bigint);
ALTER TABLE tmp_refunds RENAME TO refunds;
CREATE INDEX refunds_id_idx ON refunds (id);`,
    expected: [],
  },
  {
    name: 'CREATE INDEX CONCURRENTLY in a transaction:false section',
    sql: `CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`,
    transaction: false,
    expected: [],
  },
  {
    name: 'CREATE UNIQUE INDEX CONCURRENTLY in a transaction:false section',
    sql: `CREATE UNIQUE INDEX CONCURRENTLY products_sku_key ON products (sku);`,
    transaction: false,
    expected: [],
  },
  {
    name: 'DROP INDEX / REINDEX CONCURRENTLY in a transaction:false section',
    sql: `DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
REINDEX TABLE CONCURRENTLY orders;`,
    transaction: false,
    expected: [],
  },
  {
    name: 'REINDEX (CONCURRENTLY false) in a transaction',
    sql: `REINDEX (CONCURRENTLY false) INDEX orders_status_idx;`,
    expected: [],
  },
  {
    name: 'ADD COLUMN NOT NULL with a DEFAULT, identity or serial',
    sql: `ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'web';
ALTER TABLE orders ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY NOT NULL;
ALTER TABLE orders ADD COLUMN legacy_no bigserial NOT NULL;
ALTER TABLE orders ADD COLUMN note text;`,
    expected: [],
  },
  {
    name: 'the expand/contract steps themselves',
    sql: `ALTER TABLE orders ADD CONSTRAINT orders_currency_nn CHECK (currency IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_currency_nn;
ALTER TABLE products ADD CONSTRAINT products_sku_key UNIQUE USING INDEX products_sku_key;
ALTER TABLE orders ADD CONSTRAINT orders_channel_nn NOT NULL channel NOT VALID;`,
    expected: [],
  },
  {
    name: 'views, indexes and data changes',
    sql: `CREATE VIEW paid_orders AS SELECT * FROM orders WHERE status = 'paid';
ALTER INDEX orders_status_idx RENAME TO orders_state_idx;
DROP VIEW IF EXISTS old_report;
INSERT INTO feature_flags (key, enabled) VALUES ('checkout_v2', false);`,
    expected: [],
  },
  { name: 'a section of only comments', sql: `-- nothing to do yet\n`, expected: [] },
  { name: 'an empty section', sql: ``, expected: [] },
];

describe('lintMigrations: each rule fires with its code and line', () => {
  it.each(firing)('$name', async ({ sql, transaction, expected }) => {
    expect(await codesAndLines(sql, transaction)).toEqual(expected);
  });
});

describe('lintMigrations: the safe variants do not fire', () => {
  it.each(safe)('$name', async ({ sql, transaction, expected }) => {
    expect(await codesAndLines(sql, transaction)).toEqual(expected);
  });
});

describe('lintMigrations: findings', () => {
  it('name the file, rule and remedy, and format on two lines', async () => {
    const [finding] = await lint(`ALTER TABLE orders DROP COLUMN legacy_total_cents;`);
    expect(finding).toEqual({
      file: FILE,
      line: 2,
      code: 'MIG002',
      rule: 'drop-column',
      severity: 'warning',
      message: expect.stringContaining('public.orders.legacy_total_cents'),
      remedy: expect.stringContaining('later migration'),
    });
    expect(formatFinding(finding!)).toBe(
      `${FILE}:2: warning MIG002 drop-column: ${finding!.message}\n  remedy: ${finding!.remedy}`,
    );
  });

  it('lint only up sections: down sections drop what up created', async () => {
    const findings = await lintMigrations([
      migration(`CREATE TABLE coupons (code text);`, { down: `DROP TABLE coupons;\nDROP INDEX coupons_code_idx;` }),
    ]);
    expect(findings).toEqual([]);
  });

  it('keep migrations apart: a table created in one file is existing in the next', async () => {
    const findings = await lintMigrations([
      migration(`CREATE TABLE coupons (code text);`, { file: 'm/20260301000000_a.sql' }),
      migration(`CREATE INDEX coupons_code_idx ON coupons (code);`, { file: 'm/20260302000000_b.sql' }),
    ]);
    expect(findings.map((f) => [f.file, f.code, f.line])).toEqual([['m/20260302000000_b.sql', 'MIG007', 2]]);
  });

  it('every rule has a distinct code, a name and a remedy', () => {
    const rules = listRules();
    expect(new Set(rules.map((r) => r.code)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(/^[a-z-]+$/);
      expect(rule.remedy.length).toBeGreaterThan(20);
    }
  });
});

describe('lintMigrations: severity', () => {
  const sql = `ALTER TABLE orders DROP COLUMN legacy_total_cents;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`;

  it('is warning by default, but error for what cannot run', async () => {
    expect((await lint(sql)).map((f) => [f.code, f.severity])).toEqual([
      ['MIG002', 'warning'],
      ['MIG009', 'error'],
    ]);
  });

  it('is error for everything with strict', async () => {
    expect((await lint(sql, { strict: true })).map((f) => [f.code, f.severity])).toEqual([
      ['MIG002', 'error'],
      ['MIG009', 'error'],
    ]);
  });
});

describe('lintMigrations: -- lint:ignore', () => {
  const ignoreCases: Case[] = [
    {
      name: 'a line comment directly above silences the code',
      sql: `-- lint:ignore MIG007 feature_flags has a dozen rows
CREATE INDEX feature_flags_enabled_idx ON feature_flags (enabled);`,
      expected: [],
    },
    {
      name: 'a block comment, and a directive inside a run of comment lines',
      sql: `/* lint:ignore MIG007 */
-- feature_flags has a dozen rows
CREATE INDEX feature_flags_enabled_idx ON feature_flags (enabled);`,
      expected: [],
    },
    {
      name: 'several codes, comma or space separated',
      sql: `-- lint:ignore MIG002, MIG005 MIG007 (the app stopped using it in 2026.02)
ALTER TABLE orders DROP COLUMN legacy_total_cents, ALTER COLUMN currency SET NOT NULL;`,
      expected: [],
    },
    {
      name: 'only the listed codes are silenced',
      sql: `-- lint:ignore MIG002
ALTER TABLE orders DROP COLUMN legacy_total_cents, ALTER COLUMN currency SET NOT NULL;`,
      expected: [['MIG005', 3]],
    },
    {
      name: 'a blank line between directive and statement breaks it',
      sql: `-- lint:ignore MIG007

CREATE INDEX orders_status_idx ON orders (status);`,
      expected: [['MIG007', 4]],
    },
    {
      name: 'it covers the next statement only',
      sql: `-- lint:ignore MIG007
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_channel_idx ON orders (channel);`,
      expected: [['MIG007', 4]],
    },
    {
      name: 'a comment trailing the previous statement does not leak onto the next',
      sql: `CREATE INDEX orders_status_idx ON orders (status); -- lint:ignore MIG007
CREATE INDEX orders_channel_idx ON orders (channel);`,
      expected: [
        ['MIG007', 2],
        ['MIG007', 3],
      ],
    },
    {
      name: 'text inside a string literal is not a directive',
      sql: `INSERT INTO feature_flags (key, note) VALUES ('x', '; -- lint:ignore MIG007');
CREATE INDEX orders_status_idx ON orders (status);`,
      expected: [['MIG007', 3]],
    },
    {
      name: 'MIG009 cannot be silenced: the statement cannot run',
      sql: `-- lint:ignore MIG009
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);`,
      expected: [['MIG009', 3]],
    },
  ];

  it.each(ignoreCases)('$name', async ({ sql, transaction, expected }) => {
    expect(await codesAndLines(sql, transaction)).toEqual(expected);
  });
});

describe('lintMigrations: line numbers with non-ASCII text before a statement', () => {
  it('counts lines, not bytes or UTF-16 units', async () => {
    // Over 100 more UTF-8 bytes than UTF-16 units precede the index: a byte offset used as a
    // string index would land lines further down.
    const sql = `-- Produits: crème brûlée, 寿司, 🍣 — seed data
INSERT INTO products (sku, name) VALUES
  ('DESSERT-1', 'Crème brûlée 🍮'),
  ('SUSHI-1', '寿司 🍣 握り寿司・巻き寿司・ちらし寿司・いなり寿司・手巻き寿司・押し寿司');
COMMENT ON TABLE products IS 'Catalogue — 商品 📦
spans two lines';
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now(); -- “smart quotes” 😀
  RETURN NEW;
END $$;
/* ünïcödé 🙂 comment */ CREATE INDEX products_name_idx ON products (name);
DROP INDEX products_sku_idx;`;
    expect(await codesAndLines(sql)).toEqual([
      ['MIG007', 13],
      ['MIG008', 14],
    ]);
  });
});

describe('lintMigrations: parse errors', () => {
  it('reports the parser message at the line of the error, as an error', async () => {
    // The cursor Postgres reports counts characters: read as bytes (or UTF-16 units) it would
    // land several lines further down, past all this multi-byte text.
    const findings = await lint(`-- 🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣🍣 ünïcödé 寿司寿司寿司寿司
COMMENT ON TABLE products IS '商品 📦📦📦📦📦📦📦📦📦📦';
ALTER TABLE orders
  ADD COLUMN note text
  DEFAUL 'x';
CREATE TABLE a (id int);
CREATE TABLE b (id int);
CREATE TABLE c (id int);
CREATE TABLE d (id int);`);
    expect(findings).toEqual([
      {
        file: FILE,
        line: 6,
        code: 'MIG010',
        rule: 'parse-error',
        severity: 'error',
        message: 'syntax error at or near "DEFAUL"',
        remedy: expect.any(String),
      },
    ]);
  });

  it('reports an unterminated statement at the end of the section', async () => {
    const findings = await lint(`CREATE TABLE coupons (
  code text,
`);
    expect(findings.map((f) => [f.code, f.line, f.message])).toEqual([['MIG010', 4, 'syntax error at end of input']]);
  });

  it('still lints the other migrations', async () => {
    const findings = await lintMigrations([
      migration(`SELEC 1;`, { file: 'm/20260301000000_a.sql' }),
      migration(`DROP TABLE legacy_carts;`, { file: 'm/20260302000000_b.sql' }),
    ]);
    expect(findings.map((f) => [f.file, f.code, f.line])).toEqual([
      ['m/20260301000000_a.sql', 'MIG010', 2],
      ['m/20260302000000_b.sql', 'MIG001', 2],
    ]);
  });
});

describe('lintMigrations: golang-migrate files', () => {
  const golang = (sql: string): Migration => ({
    version: '000007',
    name: 'change',
    file: 'm/000007_change.up.sql',
    downFile: 'm/000007_change.up.sql',
    format: 'golang-migrate',
    up: { sql, startLine: 1, transaction: true },
    checksum: '0'.repeat(64),
  });

  it('notes a CONCURRENTLY file runs outside a transaction, even with --strict, and raises no MIG009', async () => {
    const findings = await lintMigrations([golang('CREATE INDEX CONCURRENTLY orders_total ON orders (total);')], {
      strict: true,
    });
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'MIG011',
        severity: 'note',
        line: 1,
        message:
          'runs outside a transaction (CREATE INDEX CONCURRENTLY at line 1 cannot run in a transaction); a failure part-way leaves the database dirty at 000007',
      }),
    ]);
  });

  it('notes a file with its own BEGIN/COMMIT, and refuses one that never commits', async () => {
    const own = await lintMigrations([golang('BEGIN;\nDELETE FROM carts;\nCOMMIT;')]);
    expect(own.map((f) => [f.code, f.severity, f.line])).toEqual([['MIG011', 'note', 1]]);
    expect(own[0]!.message).toContain('runs as written, outside a transaction of ours (BEGIN at line 1');
    const open = await lintMigrations([golang('DELETE FROM carts;\nBEGIN;\nDELETE FROM orders;')]);
    expect(open.map((f) => [f.code, f.severity, f.line])).toEqual([['MIG012', 'error', 2]]);
  });

  it('gives golang-migrate files remedies without dbmate’s transaction:false marker', async () => {
    const [finding] = await lintMigrations([golang('CREATE INDEX orders_total ON orders (total);')]);
    expect(finding!.code).toBe('MIG007');
    expect(finding!.remedy).not.toContain('transaction:false');
    expect(finding!.remedy).toContain('in a golang-migrate folder such a file runs outside a transaction by itself');
    const [dbmateFinding] = await lint('CREATE INDEX orders_total ON orders (total);');
    expect(dbmateFinding!.remedy).toContain('`-- migrate:up transaction:false`');
  });
});

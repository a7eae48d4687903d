// The pgbench scripts of the ceiling: LOMS' own CreateOrder statement, its parameters replaced by
// pgbench variables, so that the database does exactly the work one CreateOrder call makes it do.
// The checked-in .sql files are these strings; a test keeps them equal.
import path from 'node:path';
import { createOrderStatement } from './oneOrderStatement';

/** SKUs 1..10,000; an order takes one from each third, so its three SKUs are distinct (as LOMS merges them). */
export const skuCount = 10_000;
export const skuRanges: readonly [number, number][] = [
  [1, 3333],
  [3334, 6666],
  [6667, 10_000],
];
export const hotSku = 20_001;
export const userIds = 1_000_000;

function withParameters(skus: string[]): string {
  const items = `jsonb_build_array(${skus.map((s) => `jsonb_build_object('sku', ${s}::bigint, 'count', 1)`).join(', ')})`;
  const values: Record<string, string> = {
    '1': ':user_id',
    '2': `ARRAY[${skus.map((s) => `${s}::bigint`).join(', ')}]`,
    '3': `ARRAY[${skus.map(() => '1').join(', ')}]`,
    '4': items,
    '5': 'NULL',
    '6': '600000',
    '7': 'gen_random_uuid()',
    '8': 'NULL',
    '9': "'priority'",
  };
  return createOrderStatement.trim().replace(/\$(\d)/g, (_, n: string) => {
    const value = values[n];
    if (value === undefined) throw new Error(`createOrderStatement has a parameter $${n} the ceiling script does not know`);
    return value;
  });
}

const header = (what: string) =>
  `-- Generated from bench/sql/oneOrderStatement.ts by bench/sql/ceilingScripts.ts: ${what}.\n` +
  '-- One statement, hence one transaction, as LOMS sent it one order at a time (no idempotency key, no traceparent, the default allocation strategy).\n';

export const createOrderScript =
  header('an order of 3 random distinct SKUs, one unit each') +
  skuRanges.map(([lo, hi], i) => `\\set s${i + 1} random(${lo}, ${hi})\n`).join('') +
  `\\set user_id random(1, ${userIds})\n` +
  `${withParameters([':s1', ':s2', ':s3'])};\n`;

export const hotSkuScript =
  header(`every order takes one unit of SKU ${hotSku}`) +
  `\\set hot_sku ${hotSku}\n` +
  `\\set user_id random(1, ${userIds})\n` +
  `${withParameters([':hot_sku'])};\n`;

export const scriptFiles = {
  createOrder: path.join(__dirname, 'create_order.sql'),
  hotSku: path.join(__dirname, 'hot_sku.sql'),
};

import { InvalidArgumentError } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { validateCartChange, validatePurchase, validateUserOnly } from './validate';

const fieldsOf = (check: () => void): string[] => {
  try {
    check();
    return [];
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    return err.violations.map((v) => v.field);
  }
};

describe('request validation', () => {
  it('accepts a cart change within bounds', () => {
    expect(fieldsOf(() => validateCartChange({ userId: 1, sku: 1, count: 10_000 }))).toEqual([]);
  });

  it('names every field out of bounds in a cart change', () => {
    expect(fieldsOf(() => validateCartChange({ userId: 0, sku: 0, count: 0 }))).toEqual(['user_id', 'sku', 'count']);
    expect(fieldsOf(() => validateCartChange({ userId: -5, sku: 1, count: 10_001 }))).toEqual(['user_id', 'count']);
  });

  it('requires a positive user_id to list or clear a cart', () => {
    expect(fieldsOf(() => validateUserOnly({ userId: 0 }))).toEqual(['user_id']);
    expect(fieldsOf(() => validateUserOnly({ userId: 3 }))).toEqual([]);
  });

  it('accepts an idempotency_key of 128 characters and refuses 129', () => {
    expect(fieldsOf(() => validatePurchase({ userId: 1, idempotencyKey: 'k'.repeat(128) }))).toEqual([]);
    expect(fieldsOf(() => validatePurchase({ userId: 1, idempotencyKey: 'k'.repeat(129) }))).toEqual(['idempotency_key']);
    expect(fieldsOf(() => validatePurchase({ userId: 0, idempotencyKey: '' }))).toEqual(['user_id']);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, invalidArgumentStatus, maxReportedViolations, RequestChecks } from './invalidArgument';
import { maxStatusMessageLength, readStatusDetails } from './statusError';

describe('invalid arguments', () => {
  it('reports at most 20 violations, and says how many more there were', () => {
    const violations = Array.from({ length: 1000 }, (_, i) => ({ field: `items[${i}].count`, description: 'must be between 1 and 10000' }));
    const status = invalidArgumentStatus(new InvalidArgumentError(violations));
    const [badRequest] = readStatusDetails(status);
    expect(badRequest?.kind === 'BadRequest' && badRequest.value.fieldViolations.map((v) => v.field)).toEqual(
      violations.slice(0, maxReportedViolations).map((v) => v.field),
    );
    expect(status.details).toMatch(/^items\[0\]\.count: .*items\[19\]\.count: must be between 1 and 10000; and 980 more$/);
    expect(status.details.length).toBeLessThanOrEqual(maxStatusMessageLength);
  });

  it('refuses a NUL in a text field, and text longer than its bound', () => {
    expect(() => new RequestChecks().text('idempotency_key', 'a\u0000b', 128).throwIfAny()).toThrow(
      /idempotency_key: must not contain NUL/,
    );
    expect(() => new RequestChecks().text('idempotency_key', 'x'.repeat(129), 128).throwIfAny()).toThrow(/at most 128 characters/);
    expect(() => new RequestChecks().text('idempotency_key', 'x'.repeat(128), 128).throwIfAny()).not.toThrow();
  });
});

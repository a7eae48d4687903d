// Input-bound checks: every violation names the field as the proto does (`items[2].count`).
import * as grpc from '@grpc/grpc-js';
import { statusError, type StatusError } from './statusError';

export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * At most this many violations are reported: a status's details travel in HTTP/2 trailers, which clients
 * (and Node's own HTTP/2, past 64 KiB) refuse when they grow large, so 1,000 bad items must not list 1,000.
 */
export const maxReportedViolations = 20;

export class InvalidArgumentError extends Error {
  readonly code = 'INVALID_ARGUMENT';
  constructor(readonly violations: FieldViolation[]) {
    const shown = violations.slice(0, maxReportedViolations).map((v) => `${v.field}: ${v.description}`);
    const more = violations.length - shown.length;
    super(shown.join('; ') + (more > 0 ? `; and ${more} more` : ''));
    this.name = 'InvalidArgumentError';
  }
}

/** Collects violations of one request; `throwIfAny` raises them all at once. */
export class RequestChecks {
  private readonly violations: FieldViolation[] = [];

  fail(field: string, description: string): this {
    this.violations.push({ field, description });
    return this;
  }

  positive(field: string, value: number): this {
    return value > 0 ? this : this.fail(field, 'must be greater than 0');
  }

  between(field: string, value: number, min: number, max: number): this {
    return value >= min && value <= max ? this : this.fail(field, `must be between ${min} and ${max}`);
  }

  /** At most `max` characters (UTF-16 code units), and no NUL, which PostgreSQL text cannot hold. */
  text(field: string, value: string, max: number): this {
    if (value.length > max) return this.fail(field, `must be at most ${max} characters`);
    return value.includes('\u0000') ? this.fail(field, 'must not contain NUL (U+0000)') : this;
  }

  throwIfAny(): void {
    if (this.violations.length > 0) throw new InvalidArgumentError(this.violations);
  }
}

export function invalidArgumentStatus(err: InvalidArgumentError): StatusError {
  const reported = err.violations.slice(0, maxReportedViolations);
  return statusError(grpc.status.INVALID_ARGUMENT, err.message, [
    { kind: 'BadRequest', value: { fieldViolations: reported.map((v) => ({ ...v, reason: '', localizedMessage: undefined })) } },
  ]);
}

// Input-bound checks: every violation names the field as the proto does (`items[2].count`).
import * as grpc from '@grpc/grpc-js';
import { statusError, type StatusError } from './statusError';

export interface FieldViolation {
  field: string;
  description: string;
}

export class InvalidArgumentError extends Error {
  readonly code = 'INVALID_ARGUMENT';
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => `${v.field}: ${v.description}`).join('; '));
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

  maxLength(field: string, value: string, max: number): this {
    return value.length <= max ? this : this.fail(field, `must be at most ${max} characters`);
  }

  throwIfAny(): void {
    if (this.violations.length > 0) throw new InvalidArgumentError(this.violations);
  }
}

export function invalidArgumentStatus(err: InvalidArgumentError): StatusError {
  return statusError(grpc.status.INVALID_ARGUMENT, err.message, [
    { kind: 'BadRequest', value: { fieldViolations: err.violations.map((v) => ({ ...v, reason: '', localizedMessage: undefined })) } },
  ]);
}

// The name checkout goes by in its logs, traces and PostgreSQL sessions; free of imports, so tracing can read it first.
export const serviceName = 'checkout';

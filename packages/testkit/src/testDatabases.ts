// One migrated template database per service per test run; each test file gets a fresh copy.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate, type ServiceDatabase } from '@shop/devstack';

export const templateName = (service: ServiceDatabase) => `${service}_template`;

export async function createTemplates(adminUrl: (db: string) => string, services: ServiceDatabase[]): Promise<void> {
  for (const service of services) {
    await runAdmin(adminUrl('postgres'), `CREATE DATABASE ${templateName(service)}`);
    await migrate(adminUrl(templateName(service)), service);
  }
}

/** A fresh database copied from the migrated template; returns its connection string. */
export async function createDatabaseFromTemplate(adminUrl: (db: string) => string, service: ServiceDatabase): Promise<string> {
  const name = `${service}_${randomBytes(6).toString('hex')}`;
  await runAdmin(adminUrl('postgres'), `CREATE DATABASE ${name} TEMPLATE ${templateName(service)}`);
  return adminUrl(name);
}

/** The same server's connection string for another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

-- Runs once, when the compose PostgreSQL starts with an empty data volume: one database per service.
-- The tables come from the `migrate` one-shot service (node --import tsx scripts/migrate.ts).
CREATE DATABASE loms;
CREATE DATABASE checkout;
CREATE DATABASE notifications;

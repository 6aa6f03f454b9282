import { defineConfig } from 'prisma/config';

// The CLI is only needed for `prisma generate` (and `migrate deploy` where its schema
// engine can be had). The URL is read lazily so `generate` works without a database.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/mailroute' },
});

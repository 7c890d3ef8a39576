import { defineConfig } from 'drizzle-kit';

// `npm run generate -w db` diffs src/schema.ts against drizzle/meta and writes the next SQL migration.
export default defineConfig({
  dialect: 'postgresql',
  // Notifications keep their tables in a file of their own (migration 0011).
  schema: ['./src/schema.ts', './src/notifications/notification-schema.ts'],
  out: './drizzle',
});

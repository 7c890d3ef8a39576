import { defineConfig } from 'drizzle-kit';

// `npm run generate -w db` diffs src/schema.ts against drizzle/meta and writes the next SQL migration.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});

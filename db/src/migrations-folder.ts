import { fileURLToPath } from 'node:url';

/** db/drizzle, found from this file rather than the cwd, so every runnable and test applies the same migrations. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));

/** The holidays worker's script: its TypeScript under tsx; build.ts makes it dist/holidays-worker.js. */
export const holidaysWorkerFile = new URL('./holidays-worker.ts', import.meta.url);

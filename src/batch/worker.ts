// A worker thread (started from src/worker.ts, or the bundle's loader): opens the workspace once (fonts, templates, measurer) and processes the sheets it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkspace } from '../pipeline/sheet';
import { checkOnly, processSheet } from './sheet-job';

const { dataDir, templatesDir } = workerData as { dataDir: string; templatesDir?: string };
// The main thread has checked the data files already: validate reports their errors and still checks the sheets.
const workspace = openWorkspace(dataDir, templatesDir, { tolerateDataErrors: true });

parentPort!.on('message', (message: { ids: number[]; files: string[]; render: boolean }) => {
  const results = message.files.map((file) => (message.render ? processSheet(file, workspace) : checkOnly(file, workspace)));
  parentPort!.postMessage({ ids: message.ids, results });
});

// A worker thread: opens the workspace once (fonts, templates, measurer) and processes the sheets it is sent.
import '../lazy-modules';
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkspace } from '../pipeline/sheet';
import { checkOnly, processSheet } from './sheet-job';

const { dataDir, templatesDir } = workerData as { dataDir: string; templatesDir?: string };
const workspace = openWorkspace(dataDir, templatesDir);

parentPort!.on('message', (message: { id: number; file: string; render: boolean }) => {
  const result = message.render ? processSheet(message.file, workspace) : checkOnly(message.file, workspace);
  parentPort!.postMessage({ id: message.id, result });
});

#!/usr/bin/env node
// `sheetbook`: the command line (src/cli-main.ts), run from its modules. `npm run build` replaces this file's compiled
// form (dist/cli.js) with a plain node script that runs the same program bundled into one file and compiled from its
// code cache (src/build/bundle.ts); tsc alone writes this form back.
import './lazy-modules';
import { runCli } from './cli-main';

void runCli(process.argv.slice(2));

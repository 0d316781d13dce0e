#!/usr/bin/env node
// `sheetbook`: the command line (src/cli-main.ts). On Linux and macOS, `npm run build` puts a few lines of shell
// in front of this file's compiled form (dist/cli.js) that start node from the start-up snapshot instead, when
// there is one made by this very node (src/build/build-snapshot.ts); `node dist/cli.js` always runs this.
import './lazy-modules';
import { runCli } from './cli-main';

void runCli(process.argv.slice(2));

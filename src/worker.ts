// A worker thread of the unbundled program (dist/, as the tests run it): the lazy loading first, as the command line
// does (src/lazy-modules.ts), then the batch's worker. The bundled program starts its workers from dist/cli.js.
import './lazy-modules';
import './batch/worker';

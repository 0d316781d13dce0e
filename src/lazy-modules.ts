// Start-up time matters: rebuilding one sheet after a correction should take well under 200 ms.
// pdfkit and fontkit load some modules at start-up that sheetbook never calls (WOFF2 decompression, PDF
// encryption and hashing); they are loaded on first use instead. Import this before anything else. (The bundled
// program does the same for these modules in the bundle: src/build/bundle.ts.)
import Module from 'node:module';

export const LAZY_MODULES = ['brotli/decompress.js', '@noble/ciphers/aes', '@noble/hashes/sha2', '@noble/hashes/utils', 'png-js'];
const LAZY = new Set(LAZY_MODULES);

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const load = moduleWithLoad._load;

moduleWithLoad._load = function lazyLoad(request: string, parent: unknown, isMain: boolean) {
  if (!LAZY.has(request)) return load.call(this, request, parent, isMain);
  let real: any;
  const target = () => (real ??= load.call(this, request, parent, isMain));
  // A function target, so the stand-in can be called as well as read from.
  return new Proxy(function lazyModule() {}, {
    apply: (_t, thisArg, args) => Reflect.apply(target(), thisArg, args),
    construct: (_t, args) => Reflect.construct(target(), args),
    get: (_t, key) => Reflect.get(target(), key),
    has: (_t, key) => Reflect.has(target(), key),
  });
};

// tiny-inflate's function on node's zlib, for the bundled program (src/build/bundle.ts puts it in tiny-inflate's place).
// unicode-trie inflates its tables — the Unicode properties that fontkit and linebreak load at start-up — with
// tiny-inflate, in JavaScript that V8 has not optimised yet: some 30 ms of every start; zlib takes well under one.
// The same bytes come out (test/bundle.test.ts), and `dest` is filled and returned as tiny-inflate does.
import { inflateRawSync } from 'node:zlib';

export = function inflate(source: Uint8Array, dest: Uint8Array): Uint8Array {
  const out = inflateRawSync(source);
  dest.set(out.length > dest.length ? out.subarray(0, dest.length) : out);
  return out.length < dest.length ? dest.slice(0, out.length) : dest;
};

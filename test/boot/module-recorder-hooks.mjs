// The loader hook of module-recorder.mjs (it runs on the loader's own thread): appends each resolved URL.
import fs from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  fs.appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}

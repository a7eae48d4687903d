// Maps a CPU-profile frame in a service bundle (services/<name>/dist/main.js) back to the TypeScript it
// was built from, so profiles name source files and areas (packages/proto, services/...) as before bundling.
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CodePosition {
  url: string;
  /** 0-based, as in V8's call frames. */
  lineNumber: number;
  columnNumber: number;
}

const bundleMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(bundleUrl: string): SourceMap | undefined {
  if (!bundleMaps.has(bundleUrl)) {
    const mapFile = `${fileURLToPath(bundleUrl)}.map`;
    bundleMaps.set(bundleUrl, fs.existsSync(mapFile) ? new SourceMap(JSON.parse(fs.readFileSync(mapFile, 'utf8'))) : undefined);
  }
  return bundleMaps.get(bundleUrl);
}

export function originalPosition(position: CodePosition): CodePosition {
  if (!/^file:\/\/.*\/services\/[^/]+\/dist\/main\.js$/.test(position.url)) return position;
  const entry = sourceMapOf(position.url)?.findEntry(position.lineNumber, position.columnNumber);
  if (!entry || !('originalSource' in entry)) return position;
  const source = path.resolve(path.dirname(fileURLToPath(position.url)), entry.originalSource);
  return { url: pathToFileURL(source).href, lineNumber: entry.originalLine, columnNumber: entry.originalColumn };
}

import type { Metafile } from 'esbuild';

/** `node_modules/@scope/name/...` → `@scope/name`; the innermost node_modules wins; project files are `(project)`. */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return '(project)';
  const first = parts[at + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}

export interface PackageShare {
  name: string;
  bytes: number;
}

/**
 * Bytes each package contributes to one output of a metafile, largest first. This is the view that answers "what
 * makes this bundle big" better than per-file listings, which scatter a package over hundreds of rows.
 */
export function bytesByPackage(metafile: Metafile, outfile?: string): PackageShare[] {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => !path.endsWith('.map'));
  const output = outfile ? outputs.find(([path]) => outfile.endsWith(path) || path.endsWith(outfile)) : outputs[0];
  if (!output) throw new RangeError(`no output ${outfile ?? ''} in metafile`);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}

/** Packages bundled from more than one directory (e.g. two copies of `@smithy/types`), with their paths. */
export function duplicatePackages(metafile: Metafile): Map<string, string[]> {
  const roots = new Map<string, Set<string>>();
  for (const input of Object.keys(metafile.inputs)) {
    const name = packageOf(input);
    if (name === '(project)') continue;
    const at = input.lastIndexOf(`node_modules/${name}/`);
    const root = input.slice(0, at + `node_modules/${name}`.length);
    const set = roots.get(name) ?? new Set<string>();
    set.add(root);
    roots.set(name, set);
  }
  return new Map([...roots].filter(([, set]) => set.size > 1).map(([name, set]) => [name, [...set].sort()]));
}

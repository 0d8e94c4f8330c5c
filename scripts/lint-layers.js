// ESLint rule `tessera/layers`: the folders' arrows run one way (docs/ARCHITECTURE.md). An import
// is resolved against the importing file, so `../vms/x.js` from main/media and `../../vms/x.js`
// from a subfolder of it are the same arrow; bare package names are not the app's and are skipped.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Entry points and wiring: nothing below them imports them. */
const entryPoints = ['main/ipc', 'main/serve', 'main/cli', 'main/windows', 'main/demo', 'main/compose', 'main/electron'];

/**
 * Each row: files under `from` (but not under `exceptFrom`) must not import anything under
 * `forbid` (folders or files without extension), unless it is under `allow`. The first matching
 * `from` of each row applies.
 */
export const layers = [
  {
    from: ['main/media'],
    forbid: ['main/vms', 'main/sites', 'main/wall', 'simulator', ...entryPoints],
    why: 'media is below vms: adapters produce media sources, media never asks an adapter',
  },
  {
    from: ['main/playback'],
    forbid: ['main/vms', 'main/sites', 'main/wall', 'simulator', ...entryPoints],
    why: 'playback is beside media, below vms: compose hands it the adapters\' recorded sources',
  },
  {
    from: ['main/export'],
    forbid: ['main/wall', 'main/playback', 'simulator', ...entryPoints],
    why: 'export is a service below the entry points: compose and the CLI hand it a camera\'s server export',
  },
  {
    from: ['main/net'],
    forbid: ['main/vms', 'main/media', 'main/sites', 'main/wall', 'simulator', ...entryPoints],
    why: 'net is the generic HTTP client under vms and media',
  },
  {
    from: ['main/vms'],
    forbid: ['main/sites', 'main/wall', 'simulator', ...entryPoints],
    why: 'vms is below the site service and the entry points',
  },
  {
    from: ['common'],
    forbid: ['main', 'renderer', 'preload', 'simulator', 'test', 'bench', 'scripts'],
    why: 'common/ holds pure modules shared by main and the renderer',
  },
  {
    from: ['preload/contract'],
    forbid: ['main', 'renderer', 'simulator', 'preload'],
    allow: ['preload/contract'],
    why: 'the contract is a leaf',
  },
  {
    // main/demo loads it with import() so that a start without the demo never loads its chunk.
    from: ['main'],
    exceptFrom: ['main/demo'],
    forbid: ['simulator'],
    why: 'only main/demo loads the simulator (lazily): it stays out of the app’s start path',
  },
  {
    from: ['simulator'],
    forbid: ['main', 'renderer', 'preload'],
    why: 'the simulator is an independent check of the adapters: it imports nothing of the app',
  },
];

function posix(path) {
  return path.split(sep).join('/');
}

function under(path, folder) {
  return path === folder || path.startsWith(`${folder}/`);
}

/** The project path an import names, without extension; null for a package or outside the project. */
export function importTarget(fromFile, specifier) {
  if (!specifier.startsWith('.')) return null;
  const target = posix(relative(root, resolve(dirname(resolve(root, fromFile)), specifier)));
  if (target.startsWith('..')) return null;
  return target.replace(/\.(d\.ts|ts|js|mjs|cjs|vue)$/, '');
}

/** The broken row for an import of `specifier` from the project file `fromFile`, or null. */
export function layerViolation(fromFile, specifier) {
  const from = posix(fromFile);
  const target = importTarget(from, specifier);
  if (target === null) return null;
  for (const row of layers) {
    if (!row.from.some((f) => under(from, f)) || (row.exceptFrom ?? []).some((f) => under(from, f))) continue;
    const forbidden = row.forbid.find((f) => under(target, f));
    if (forbidden && !(row.allow ?? []).some((a) => under(target, a))) return { from: row.from.find((f) => under(from, f)), target, why: row.why };
  }
  return null;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports between the app folders run one way (docs/ARCHITECTURE.md).' },
    schema: [],
    messages: { reverse: '{{from}} must not import {{target}}: {{why}}.' },
  },
  create(context) {
    const file = posix(relative(root, context.filename));
    if (file.startsWith('..')) return {};
    const check = (source) => {
      if (!source || typeof source.value !== 'string') return;
      const broken = layerViolation(file, source.value);
      if (broken) context.report({ node: source, messageId: 'reverse', data: broken });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      // `typeof import('../x.js')` in a type
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
    };
  },
};

export const layersPlugin = { rules: { layers: layersRule } };

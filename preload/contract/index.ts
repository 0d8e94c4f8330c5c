/**
 * Shared leaf of the IPC contract. No electron, node or vue imports here: main, preload, the
 * renderer and the tests all import it.
 */
export * from './result.js';
export * from './ids.js';
export * from './app.js';
export * from './sites.js';
export * from './media.js';
export * from './recordings.js';
export * from './wall.js';
export * from './exports.js';
export * from './names.js';
export * from './channels.js';
export * from './api.js';

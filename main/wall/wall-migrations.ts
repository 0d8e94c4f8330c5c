/**
 * Versions of the wall file. Version 1 is the first; when the document's shape changes, bump
 * WALL_VERSION and add `wallMigrations[old] = (data) => newShape` (JsonFile runs them in order
 * on load and keeps the file aside if one fails). Each migration gets a unit test with a file
 * of the old version.
 */
import type { Migrations } from '../persistence/json-file.js';

export const WALL_VERSION = 1;

export const wallMigrations: Migrations = {};

// Children started outside children.js's start() (execFile for the short ffmpegs) still end with
// the bench: registered with the reaper too, and killed on exit.
import { reaperWatch } from '../live/children.js';

const alive = new Set();
process.on('exit', () => {
  for (const c of alive) c.kill('SIGKILL');
});

export function watchedChild(child) {
  alive.add(child);
  reaperWatch(child);
  child.once('exit', () => alive.delete(child));
  return child;
}

/** Handlers of the `wall` namespace: thin, all logic is in WallService. */
import type { WallService } from '../../wall/wall-service.js';
import type { Handlers } from '../router.js';

type WallChannels = 'wall:get' | 'wall:save-layout' | 'wall:delete-layout' | 'wall:save-tour' | 'wall:delete-tour' | 'wall:set-display';

export function wallHandlers(wall: WallService): Pick<Handlers, WallChannels> {
  return {
    'wall:get': () => wall.state(),
    'wall:save-layout': (layout) => wall.saveLayout(layout),
    'wall:delete-layout': ({ layoutId }) => wall.deleteLayout(layoutId),
    'wall:save-tour': (tour) => wall.saveTour(tour),
    'wall:delete-tour': ({ tourId }) => wall.deleteTour(tourId),
    'wall:set-display': (patch) => wall.setDisplay(patch),
  };
}

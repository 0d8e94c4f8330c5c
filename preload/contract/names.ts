/**
 * Channel names alone, so the preload bundle stays tiny (no schemas, no zod). The schema tables
 * in channels.ts are typed against these lists: a name without a schema, or a schema without a
 * name, does not compile.
 */
export const requestChannels = [
  'app:info',
  'settings:get',
  'settings:set',
  'settings:set-window-mode',
  'sites:list',
  'sites:add',
  'sites:remove',
  'sites:sign-in',
  'sites:sign-out',
  'sites:two-factor-choose',
  'sites:two-factor-verify',
  'sites:layouts',
  'cameras:list',
  'cameras:still',
  'recordings:coverage',
  'playback:open',
  'playback:seek',
  'playback:set-speed',
  'playback:step',
  'playback:pause',
  'playback:close',
  'media:open',
  'media:close',
  'wall:get',
  'wall:save-layout',
  'wall:delete-layout',
  'wall:save-tour',
  'wall:delete-tour',
  'wall:set-display',
  'export:create',
  'export:list',
  'export:cancel',
  'export:retry',
  'export:remove',
  'export:reveal',
] as const;
export const eventChannels = ['settings:changed', 'app:displays-changed', 'sites:changed', 'cameras:changed', 'media:state', 'playback:state', 'wall:changed', 'export:changed'] as const;

export type RequestChannel = (typeof requestChannels)[number];
export type EventChannel = (typeof eventChannels)[number];

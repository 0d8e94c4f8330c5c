/**
 * Electron security baseline applied to every web contents and session: no navigation away from
 * the app, no new windows, no permissions beyond fullscreen, CSP on every response we serve.
 */
import { app, session, shell } from 'electron';
import type { Logger } from '../logging/logger.js';
import { isPermissionAllowed, isTrustedSenderUrl } from './security-policy.js';

export function hardenElectron(log: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isTrustedSenderUrl(url)) {
        event.preventDefault();
        log.warn('blocked navigation', { url });
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to documentation open in the system browser; nothing opens inside the app.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback) => callback(isPermissionAllowed(permission, contents.getURL())));
  ses.setPermissionCheckHandler((contents, permission) => isPermissionAllowed(permission, contents?.getURL()));
}

/// <reference types="vite/client" />
import type { TesseraApi } from '../../preload/contract/index.js';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present only inside the Electron app (set by the preload script). */
    tessera?: TesseraApi;
  }
}

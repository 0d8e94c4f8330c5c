import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './bridge/index.js';

// The bridge (imported above, so it runs first) has kept the token for this tab (serve-token.ts).
// Keep it out of the address bar (screenshots, shoulder surfing) but keep every other parameter,
// such as the display.
const params = new URLSearchParams(window.location.search);
if (params.has('token')) {
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
}

createApp(App).use(createPinia()).mount('#app');

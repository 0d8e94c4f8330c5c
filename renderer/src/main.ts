import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './bridge/index.js';

// The token is only needed once: the server has set a cookie. Keep it out of the address bar
// (screenshots, shoulder surfing) but keep every other parameter, such as the display.
const params = new URLSearchParams(window.location.search);
if (params.has('token')) {
  params.delete('token');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
}

createApp(App).use(createPinia()).mount('#app');

// The shell: who is signed in, sign-out, and a hash router that renders one view into <main>. A view may return a
// function that stops its polling; it is called before the next view renders.
import { loadSession, signOut } from './api.js';
import { clear, h } from './dom.js';
import { renderIntegrations } from './views/integrations.js';
import { renderConnections } from './views/connections.js';
import { renderConnection } from './views/connection.js';
import { renderRuns } from './views/runs.js';
import { renderRun } from './views/run.js';
import { renderRecords } from './views/records.js';
import { renderWebhooks } from './views/webhooks.js';

const routes = {
  integrations: renderIntegrations,
  connections: renderConnections,
  connection: renderConnection,
  runs: renderRuns,
  run: renderRun,
  records: renderRecords,
  webhooks: renderWebhooks,
};

const main = document.getElementById('main');
let stop = null;

function parseHash() {
  const [path, search] = window.location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter((part) => part.length > 0).map((part) => decodeURIComponent(part));
  return { name: parts[0] ?? 'connections', args: parts.slice(1), params: new URLSearchParams(search ?? '') };
}

// Each render mounts its view into a fresh element. A view still loading when the user navigates on finishes into
// its own element, which the next render has already taken out of the page: a slow screen can never append itself
// below the one the user went to (a test once saw the connections table appear on a connection's page).
let generation = 0;

async function render() {
  if (stop) {
    stop();
    stop = null;
  }
  const current = ++generation;
  const { name, args, params } = parseHash();
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.getAttribute('href') === `#/${name}` || link.getAttribute('href') === `#/${name}s`);
  }
  const view = routes[name];
  clear(main);
  const root = h('div', { class: 'view' });
  main.append(root);
  if (!view) {
    root.append(h('p', { class: 'notice notice-error' }, 'No such page.'));
    return;
  }
  main.dataset.view = name;
  try {
    const stopView = (await view(root, args, params)) ?? null;
    if (current === generation) {
      stop = stopView;
    } else if (stopView) {
      stopView(); // navigated away while it loaded: its polling must not start
    }
  } catch (error) {
    root.append(h('p', { class: 'notice notice-error', role: 'alert' }, error.message));
  }
}

const session = await loadSession();
document.getElementById('who').textContent = `${session.environment} · ${session.key_name}`;
document.getElementById('signout').addEventListener('click', () => signOut());
window.addEventListener('hashchange', render);
await render();

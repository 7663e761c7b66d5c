import { api } from '../api.js';
import { h, json, when } from '../dom.js';

// Webhook deliveries, when the server has them (GET /webhooks/deliveries); one without answers 404.
export async function renderWebhooks(main) {
  main.append(h('h2', {}, 'Webhook deliveries'));
  const answer = await api('GET', '/webhooks/deliveries', { allow404: true });
  if (answer === null) {
    main.append(h('p', { class: 'muted', id: 'webhooks-unavailable' }, 'Webhook deliveries are not available on this server.'));
    return;
  }
  const deliveries = answer.deliveries ?? [];
  if (deliveries.length === 0) {
    main.append(h('p', { class: 'muted', id: 'webhooks-empty' }, 'No deliveries yet.'));
    return;
  }
  const detail = h('section', { class: 'card' });
  main.append(
    h('table', { id: 'webhooks-table' },
      h('thead', {}, h('tr', {}, ['Id', 'Event', 'Run', 'Connection', 'State', 'Attempts', 'Status', 'Created'].map((t) => h('th', {}, t)))),
      h('tbody', {}, deliveries.map((d) => h('tr', { class: 'record', onclick: () => detail.replaceChildren(json(d)) },
        h('td', {}, String(d.id ?? '')),
        h('td', {}, String(d.event ?? '')),
        h('td', {}, String(d.run_id ?? '')),
        h('td', {}, String(d.connection_id ?? '')),
        h('td', {}, String(d.state ?? '')),
        h('td', {}, String(d.attempts ?? '')),
        h('td', {}, String(d.last_status ?? d.last_error ?? '')),
        h('td', {}, when(d.created_at)))))),
    detail);
}

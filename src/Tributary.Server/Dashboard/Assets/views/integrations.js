import { api } from '../api.js';
import { h, route, table, when } from '../dom.js';

export async function renderIntegrations(main) {
  main.append(h('h2', {}, 'Integrations'));
  const { data } = await api('GET', '/integrations');
  if (data.length === 0) {
    main.append(h('p', { class: 'muted' }, 'No integrations: add them to tributary.yaml or with POST /integrations.'));
    return;
  }
  main.append(table(
    ['Key', 'Provider', 'Display name', 'Created', ''],
    data.map((integration) => h('tr', {},
      h('td', {}, h('code', {}, integration.unique_key)),
      h('td', {}, integration.provider),
      h('td', {}, integration.display_name),
      h('td', {}, when(integration.created_at)),
      h('td', {}, h('a', { href: `${route('connections')}?integration=${encodeURIComponent(integration.unique_key)}` }, 'Connections')))),
    { id: 'integrations-table' }));
}

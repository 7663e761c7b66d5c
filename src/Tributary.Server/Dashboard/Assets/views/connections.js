import { api } from '../api.js';
import { h, query, route, when } from '../dom.js';

const MaxPages = 20;

// Every connection of the environment (up to MaxPages pages), searched here as the user types.
async function loadConnections(integration) {
  const connections = [];
  let cursor = null;
  for (let page = 0; page < MaxPages; page++) {
    const answer = await api('GET', `/connections${query({ integrationId: integration, limit: 1000, cursor })}`);
    connections.push(...answer.connections);
    cursor = answer.next_cursor;
    if (!cursor) {
      break;
    }
  }
  return connections;
}

export async function renderConnections(main, _args, params) {
  const integration = params.get('integration') ?? '';
  const { data: integrations } = await api('GET', '/integrations');
  const connections = await loadConnections(integration);

  const search = h('input', { id: 'connection-search', type: 'search', placeholder: 'Search connection ids…', value: params.get('q') ?? '' });
  const body = h('tbody', {});
  const count = h('span', { class: 'muted' });
  const draw = () => {
    const term = search.value.trim().toLowerCase();
    const shown = connections.filter((c) => c.connection_id.toLowerCase().includes(term));
    count.textContent = `${shown.length} of ${connections.length}`;
    body.replaceChildren(...shown.map((c) => h('tr', {},
      h('td', {}, h('a', { href: route('connection', c.provider_config_key, c.connection_id), class: 'connection-link' }, c.connection_id)),
      h('td', {}, c.provider_config_key),
      h('td', {}, c.provider),
      h('td', {}, when(c.created)),
      h('td', {}, c.errors.length > 0 ? h('span', { class: 'badge badge-failed' }, `${c.errors.length} error(s)`) : '—'))));
  };
  search.addEventListener('input', draw);

  main.append(
    h('h2', {}, 'Connections', integration ? ` of ${integration}` : ''),
    h('div', { class: 'toolbar' }, search, count),
    h('table', { id: 'connections-table' },
      h('thead', {}, h('tr', {}, ['Connection id', 'Integration', 'Provider', 'Created', 'Errors'].map((t) => h('th', {}, t)))),
      body),
    createForm(integrations, integration));
  draw();
}

function createForm(integrations, selected) {
  const integration = h('select', { id: 'new-integration', required: true },
    integrations.map((i) => h('option', { value: i.unique_key, selected: i.unique_key === selected }, i.unique_key)));
  const connectionId = h('input', { id: 'new-connection-id', required: true, placeholder: 'e.g. customer-42', spellcheck: 'false' });
  const type = h('select', { id: 'new-credentials-type' },
    ['NONE', 'API_KEY', 'BASIC'].map((t) => h('option', { value: t }, t)));
  const apiKey = h('input', { id: 'new-api-key', type: 'password', autocomplete: 'off' });
  const username = h('input', { id: 'new-username', autocomplete: 'off' });
  const password = h('input', { id: 'new-password', type: 'password', autocomplete: 'off' });
  const metadata = h('textarea', { id: 'new-metadata', rows: 3, spellcheck: 'false', placeholder: '{"records": 20}' });
  const error = h('p', { class: 'error', role: 'alert', id: 'new-connection-error' });
  const credentialFields = h('div', { class: 'fields' });
  const showCredentialFields = () => credentialFields.replaceChildren(
    ...(type.value === 'API_KEY' ? [h('label', {}, 'API key', apiKey)] : []),
    ...(type.value === 'BASIC' ? [h('label', {}, 'Username', username), h('label', {}, 'Password', password)] : []));
  type.addEventListener('change', showCredentialFields);

  const submit = async (event) => {
    event.preventDefault();
    error.textContent = '';
    const credentials = { type: type.value };
    if (type.value === 'API_KEY') {
      credentials.apiKey = apiKey.value;
    } else if (type.value === 'BASIC') {
      credentials.username = username.value;
      credentials.password = password.value;
    }
    const body = { provider_config_key: integration.value, connection_id: connectionId.value.trim(), credentials };
    if (metadata.value.trim()) {
      try {
        body.metadata = JSON.parse(metadata.value);
      } catch (e) {
        error.textContent = `Metadata is not JSON: ${e.message}`;
        return;
      }
    }
    try {
      await api('POST', '/connections', { body });
      window.location.hash = route('connection', body.provider_config_key, body.connection_id);
    } catch (e) {
      error.textContent = e.message;
    }
  };

  return h('section', { class: 'card' },
    h('h3', {}, 'New connection'),
    h('form', { id: 'new-connection-form', onsubmit: submit },
      h('div', { class: 'fields' },
        h('label', {}, 'Integration', integration),
        h('label', {}, 'Connection id', connectionId),
        h('label', {}, 'Credentials', type)),
      credentialFields,
      h('label', {}, 'Metadata (JSON)', metadata),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', id: 'new-connection-submit' }, 'Create connection'),
        // The OAuth connect flow comes with the connect sessions; its button takes this slot.
        h('button', { type: 'button', id: 'oauth-connect', dataset: { slot: 'oauth-connect' }, disabled: true, title: 'The OAuth connect flow is not available on this server yet.' }, 'Connect with OAuth…')),
      error));
}

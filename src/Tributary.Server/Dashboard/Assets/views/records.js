import { api } from '../api.js';
import { h, json, query, route, when } from '../dom.js';

// The records cache of one connection and model: filters, cursor paging, the JSON of a record, deleted ones marked.
export async function renderRecords(main, _args, params) {
  const { data: integrations } = await api('GET', '/integrations');
  const current = {
    integration: params.get('integration') ?? integrations[0]?.unique_key ?? '',
    connection: params.get('connection') ?? '',
    model: params.get('model') ?? '',
    modified_after: params.get('modified_after') ?? '',
    filter: params.get('filter') ?? '',
    limit: params.get('limit') ?? '25',
  };

  const field = (name, label, attributes = {}) => h('label', {}, label, h('input', { name, value: current[name], spellcheck: 'false', ...attributes }));
  const filter = h('select', { name: 'filter' }, ['', 'added', 'updated', 'deleted', 'added,updated', 'updated,deleted']
    .map((f) => h('option', { value: f, selected: f === current.filter }, f || 'all')));
  const form = h('form', {
    id: 'records-filter', class: 'toolbar wrap',
    onsubmit: (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(event.target));
      window.location.hash = `${route('records')}${query(data)}`;
    },
  },
  h('label', {}, 'Integration', h('select', { name: 'integration' },
    integrations.map((i) => h('option', { value: i.unique_key, selected: i.unique_key === current.integration }, i.unique_key)))),
  field('connection', 'Connection', { required: true }),
  field('model', 'Model', { required: true }),
  field('modified_after', 'Modified after', { placeholder: '2026-01-01T00:00:00Z' }),
  h('label', {}, 'Filter', filter),
  field('limit', 'Per page', { type: 'number', min: 1, max: 10000 }),
  h('button', { type: 'submit', id: 'records-load' }, 'Show'));

  main.append(h('h2', {}, 'Records'), form);
  if (!current.connection || !current.model) {
    main.append(h('p', { class: 'muted' }, 'Choose a connection and a model (a connection\'s syncs list the models they write).'));
    return;
  }

  const body = h('tbody', {});
  const detail = h('section', { class: 'card', id: 'record-detail' }, h('p', { class: 'muted' }, 'Select a record to see its JSON.'));
  const pageInfo = h('span', { class: 'muted', id: 'records-page' });
  const first = h('button', { type: 'button', id: 'records-first' }, 'First page');
  const next = h('button', { type: 'button', id: 'records-next' }, 'Next page');
  let page = 1;

  const load = async (cursor) => {
    const answer = await api('GET', `/records${query({
      model: current.model, modified_after: current.modified_after, filter: current.filter, limit: current.limit, cursor,
    })}`, { headers: { 'Connection-Id': current.connection, 'Provider-Config-Key': current.integration } });
    next.disabled = !answer.next_cursor;
    next.dataset.cursor = answer.next_cursor ?? '';
    first.disabled = !cursor;
    pageInfo.textContent = `page ${page} · ${answer.records.length} record(s)`;
    body.replaceChildren(...answer.records.map((record) => {
      const meta = record._nango_metadata ?? {};
      const deleted = Boolean(meta.deleted_at);
      const { _nango_metadata: _, ...fields } = record;
      const row = h('tr', { class: deleted ? 'record deleted' : 'record', tabindex: 0, dataset: { id: String(record.id) } },
        h('td', {}, h('code', {}, String(record.id))),
        h('td', {}, meta.last_action ?? ''),
        h('td', {}, deleted ? h('span', { class: 'badge badge-deleted' }, 'deleted') : ''),
        h('td', {}, when(meta.last_modified_at)),
        h('td', { class: 'preview' }, JSON.stringify(fields).slice(0, 160)));
      const show = () => {
        for (const selected of body.querySelectorAll('tr.selected')) {
          selected.classList.remove('selected');
        }
        row.classList.add('selected');
        detail.replaceChildren(h('h3', {}, `${current.model} ${record.id}`, deleted ? ' (deleted)' : ''), json(record, { id: 'record-json' }));
      };
      row.addEventListener('click', show);
      row.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') {
          show();
        }
      });
      return row;
    }));
  };
  next.addEventListener('click', async () => {
    page++;
    await load(next.dataset.cursor);
  });
  first.addEventListener('click', async () => {
    page = 1;
    await load(null);
  });

  main.append(
    h('div', { class: 'columns wide-left' },
      h('div', {},
        h('table', { id: 'records-table' },
          h('thead', {}, h('tr', {}, ['Id', 'Last action', '', 'Modified', 'Fields'].map((t) => h('th', {}, t)))),
          body),
        h('div', { class: 'pager' }, first, pageInfo, next)),
      detail));
  await load(null);
}

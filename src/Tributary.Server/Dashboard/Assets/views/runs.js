import { api } from '../api.js';
import { badge, h, query, route, when } from '../dom.js';
import { poll } from './poll.js';

export function isLive(run) {
  return run.state === 'queued' || run.state === 'running';
}

export function duration(run) {
  if (!run.started_at) {
    return '—';
  }
  const end = run.finished_at ? new Date(run.finished_at) : new Date();
  const seconds = Math.max(0, (end - new Date(run.started_at)) / 1000);
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export function countsText(result) {
  return Object.entries(result ?? {})
    .map(([model, c]) => `${model} +${c.added ?? 0} ~${c.updated ?? 0} -${c.deleted ?? 0}`)
    .join(', ') || '—';
}

// Runs, newest first, with filters and older pages; polled while any run shown is queued or running.
export async function renderRuns(main, _args, params) {
  const filters = {
    provider_config_key: params.get('integration') ?? '',
    connection_id: params.get('connection') ?? '',
    state: params.get('state') ?? '',
  };
  const cursors = [];
  let cursor = params.get('cursor') ?? null;
  let runs = [];
  let shown = '';
  const body = h('tbody', {});
  const older = h('button', { type: 'button', id: 'runs-older' }, 'Older');
  const newer = h('button', { type: 'button', id: 'runs-newer' }, 'Newer');

  const load = async () => {
    const answer = await api('GET', `/runs${query({ ...filters, cursor, limit: 50 })}`);
    runs = answer.runs;
    older.disabled = !answer.next_cursor;
    older.dataset.cursor = answer.next_cursor ?? '';
    newer.disabled = cursors.length === 0;
    // Durations of running runs change every second; anything else only when the page changed.
    const signature = JSON.stringify(runs);
    if (signature === shown && !runs.some(isLive)) {
      return;
    }
    shown = signature;
    body.replaceChildren(...runs.map((run) => h('tr', { dataset: { run: run.id, state: run.state } },
      h('td', {}, h('a', { href: route('run', run.id) }, run.id)),
      h('td', {}, run.provider_config_key),
      h('td', {}, h('a', { href: route('connection', run.provider_config_key, run.connection_id) }, run.connection_id)),
      h('td', {}, run.sync, run.variant !== 'base' ? ` (${run.variant})` : ''),
      h('td', { class: 'run-state' }, badge(run.state)),
      h('td', {}, run.trigger_source, run.reset ? ' · reset' : '', run.empty_cache ? ' · empty cache' : ''),
      h('td', {}, when(run.queued_at)),
      h('td', {}, duration(run)),
      h('td', {}, countsText(run.result)),
      h('td', { class: 'error-text' }, run.error ?? ''))));
  };
  older.addEventListener('click', async () => {
    cursors.push(cursor);
    cursor = older.dataset.cursor;
    await load();
  });
  newer.addEventListener('click', async () => {
    cursor = cursors.pop() ?? null;
    await load();
  });

  const input = (name, label, value) => h('label', {}, label, h('input', { name, value, spellcheck: 'false' }));
  const state = h('select', { name: 'state' }, ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled']
    .map((s) => h('option', { value: s, selected: s === filters.state }, s || 'any')));
  const form = h('form', {
    class: 'toolbar', id: 'runs-filter',
    onsubmit: (event) => {
      event.preventDefault();
      const data = new FormData(event.target);
      window.location.hash = `${route('runs')}?${new URLSearchParams({
        integration: data.get('integration'), connection: data.get('connection'), state: data.get('state'),
      })}`;
    },
  }, input('integration', 'Integration', filters.provider_config_key), input('connection', 'Connection', filters.connection_id),
  h('label', {}, 'State', state), h('button', { type: 'submit' }, 'Filter'));

  main.append(
    h('h2', {}, 'Runs'),
    form,
    h('table', { id: 'runs-table' },
      h('thead', {}, h('tr', {}, ['Run', 'Integration', 'Connection', 'Sync', 'State', 'Source', 'Queued', 'Took', 'Records', 'Error'].map((t) => h('th', {}, t)))),
      body),
    h('div', { class: 'pager' }, newer, older));
  await load();
  return poll(load, 1000, () => runs.some(isLive) || cursor === null);
}

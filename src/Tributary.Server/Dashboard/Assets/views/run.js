import { api } from '../api.js';
import { badge, confirmAction, h, json, notice, route, when } from '../dom.js';
import { countsText, duration, isLive } from './runs.js';
import { poll } from './poll.js';

// One run, live while it is queued or running: its outcome, counts per model, error, and its logs when the server
// has the run logs endpoint (GET /runs/{id}/logs); a server without it answers 404 and the panel says so.
export async function renderRun(main, [id]) {
  const summary = h('dl', { id: 'run-summary', class: 'summary' });
  const result = h('tbody', {});
  const logs = h('div', { id: 'run-logs' });
  const cancel = h('button', {
    type: 'button', id: 'run-cancel', class: 'danger',
    onclick: async () => {
      if (await confirmAction(`Cancel run ${id}?`)) {
        try {
          await api('POST', `/runs/${encodeURIComponent(id)}/cancel`, { body: {} });
          await refresh();
        } catch (e) {
          notice(main, e.message, 'error');
        }
      }
    },
  }, 'Cancel run');
  let run = null;
  let logsAvailable = true;

  const refresh = async () => {
    run = await api('GET', `/runs/${encodeURIComponent(id)}`);
    const item = (term, value) => [h('dt', {}, term), h('dd', {}, value)];
    summary.replaceChildren(
      ...item('State', h('span', { id: 'run-state', dataset: { state: run.state } }, badge(run.state))),
      ...item('Connection', h('a', { href: route('connection', run.provider_config_key, run.connection_id) }, `${run.provider_config_key} / ${run.connection_id}`)),
      ...item('Sync', `${run.sync}${run.variant !== 'base' ? ` (${run.variant})` : ''}`),
      ...item('Trigger', `${run.trigger_source}${run.initiator ? ` by ${run.initiator}` : ''}${run.reset ? ' · reset' : ''}${run.empty_cache ? ' · empty cache' : ''}`),
      ...item('Attempts', String(run.attempts)),
      ...item('Queued', when(run.queued_at)),
      ...item('Started', when(run.started_at)),
      ...item('Finished', when(run.finished_at)),
      ...item('Took', duration(run)),
      ...item('Records', countsText(run.result)),
      ...item('Error', h('span', { class: 'error-text' }, run.error ?? '—')));
    result.replaceChildren(...Object.entries(run.result ?? {}).map(([model, c]) => h('tr', {},
      h('td', {}, model), h('td', {}, String(c.added ?? 0)), h('td', {}, String(c.updated ?? 0)), h('td', {}, String(c.deleted ?? 0)))));
    cancel.hidden = !isLive(run);
    if (logsAvailable) {
      await refreshLogs();
    }
  };

  const refreshLogs = async () => {
    const answer = await api('GET', `/runs/${encodeURIComponent(id)}/logs`, { allow404: true });
    if (answer === null) {
      logsAvailable = false;
      logs.replaceChildren(h('p', { class: 'muted', id: 'run-logs-unavailable' }, 'Run logs are not available on this server.'));
      return;
    }
    const entries = answer.lines ?? null;
    if (!Array.isArray(entries)) {
      logs.replaceChildren(json(answer));
      return;
    }
    logs.replaceChildren(entries.length === 0
      ? h('p', { class: 'muted' }, 'No log lines yet.')
      : h('ol', { class: 'logs' }, entries.map((entry) => h('li', { class: `log-${String(entry.level ?? 'info').toLowerCase()}` },
        h('span', { class: 'muted' }, when(entry.at), ' '),
        h('strong', {}, String(entry.level ?? '')), ' ',
        h('span', { class: 'muted' }, String(entry.source ?? '')), ' ',
        String(entry.message ?? '')))));
  };

  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: route('runs') }, 'Runs'), ' / '),
    h('h2', {}, `Run ${id}`),
    h('div', { class: 'toolbar' }, cancel),
    summary,
    h('h3', {}, 'Records written'),
    h('table', { id: 'run-result' }, h('thead', {}, h('tr', {}, ['Model', 'Added', 'Updated', 'Deleted'].map((t) => h('th', {}, t)))), result),
    h('h3', {}, 'Logs'),
    logs);
  await refresh();
  return poll(refresh, 1000, () => run !== null && isLive(run));
}

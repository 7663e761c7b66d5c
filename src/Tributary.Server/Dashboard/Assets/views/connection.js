import { api } from '../api.js';
import { badge, confirmAction, h, json, notice, query, route, when } from '../dom.js';
import { poll } from './poll.js';

// One connection: its metadata and errors, its syncs with their controls, and delete.
export async function renderConnection(main, [providerConfigKey, connectionId]) {
  const connection = await api('GET', `/connections/${encodeURIComponent(connectionId)}${query({ provider_config_key: providerConfigKey })}`);
  const syncsBody = h('tbody', {});
  let running = false;
  let shown = '';

  const target = { provider_config_key: providerConfigKey, connection_id: connectionId };
  const syncRef = (sync) => (sync.variant && sync.variant !== 'base' ? { name: sync.name, variant: sync.variant } : sync.name);

  const act = async (label, method, path, body, confirmText) => {
    if (confirmText && !(await confirmAction(confirmText))) {
      return;
    }
    try {
      await api(method, path, { body });
      notice(main, `${label}: done.`).classList.add('flash');
      await refresh();
    } catch (e) {
      notice(main, `${label}: ${e.message}`, 'error');
    }
  };

  const controls = (sync) => {
    const name = `${sync.name}${sync.variant && sync.variant !== 'base' ? `::${sync.variant}` : ''}`;
    const trigger = (opts) => ({ ...target, syncs: [syncRef(sync)], ...(opts ? { opts } : {}) });
    return h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'sync-trigger', onclick: () => act(`Trigger ${name}`, 'POST', '/sync/trigger', trigger()) }, 'Trigger'),
      h('button', { type: 'button', class: 'sync-pause', onclick: () => act(`Pause ${name}`, 'POST', '/sync/pause', { ...target, syncs: [syncRef(sync)] }) }, 'Pause'),
      h('button', { type: 'button', class: 'sync-start', onclick: () => act(`Start ${name}`, 'POST', '/sync/start', { ...target, syncs: [syncRef(sync)] }) }, 'Start'),
      h('button', {
        type: 'button', class: 'sync-reset danger',
        onclick: () => act(`Reset ${name}`, 'POST', '/sync/trigger', trigger({ reset: true }),
          `Reset ${name}? Its checkpoint is deleted and the next run starts from the beginning.`),
      }, 'Reset'),
      h('button', {
        type: 'button', class: 'sync-reset-empty danger',
        onclick: () => act(`Reset and empty ${name}`, 'POST', '/sync/trigger', trigger({ reset: true, emptyCache: true }),
          `Reset ${name} and empty its cache? Its checkpoint and all its records are deleted before the run.`),
      }, 'Reset + empty cache'));
  };

  const refresh = async () => {
    const { syncs } = await api('GET', `/sync/status${query({ ...target, syncs: '*' })}`);
    running = syncs.some((s) => s.status === 'RUNNING' || s.currentRun);
    // Rows are rebuilt only when something changed, so a poll never swaps a button out from under a click.
    const signature = JSON.stringify(syncs);
    if (signature === shown) {
      return;
    }
    shown = signature;
    syncsBody.replaceChildren(...syncs.map((s) => h('tr', { dataset: { sync: s.name } },
      h('td', {}, h('code', {}, s.name), s.variant !== 'base' ? h('span', { class: 'muted' }, ` ${s.variant}`) : null),
      h('td', {}, badge(s.status), s.latestExecutionStatus ? h('span', { class: 'muted' }, ` last: ${s.latestExecutionStatus}`) : null),
      h('td', {}, s.frequency ?? '—', h('br'), h('span', { class: 'muted' }, 'next ', when(s.nextScheduledSyncAt))),
      h('td', {}, when(s.finishedAt)),
      h('td', { class: 'counts' }, Object.entries(s.recordCount ?? {}).map(([model, n]) => h('div', {},
        h('a', { href: `${route('records')}?${new URLSearchParams({ integration: providerConfigKey, connection: connectionId, model })}` }, model), `: ${n}`))),
      h('td', {}, s.checkpoint ? json(s.checkpoint, { class: 'json small' }) : h('span', { class: 'muted' }, 'none')),
      h('td', {}, controls(s)))));
  };

  const errors = connection.errors ?? [];
  main.append(
    h('p', { class: 'crumbs' }, h('a', { href: route('connections') }, 'Connections'), ' / ', providerConfigKey, ' / '),
    h('h2', { id: 'connection-title' }, connectionId),
    h('p', { class: 'muted' }, `${connection.provider} · created ${when(connection.created_at)} · credentials ${connection.credentials?.type ?? '—'}`),
    h('div', { class: 'toolbar' },
      h('a', { href: `${route('runs')}?${new URLSearchParams({ integration: providerConfigKey, connection: connectionId })}` }, 'Runs of this connection'),
      h('a', { href: `${route('records')}?${new URLSearchParams({ integration: providerConfigKey, connection: connectionId })}` }, 'Records'),
      h('button', {
        type: 'button', id: 'connection-delete', class: 'danger',
        onclick: async () => {
          if (!(await confirmAction(`Delete connection ${connectionId}? Its syncs, runs and records are deleted too.`))) {
            return;
          }
          try {
            await api('DELETE', `/connections/${encodeURIComponent(connectionId)}${query({ provider_config_key: providerConfigKey })}`);
            window.location.hash = route('connections');
          } catch (e) {
            notice(main, e.message, 'error');
          }
        },
      }, 'Delete connection')),
    h('h3', {}, 'Syncs'),
    h('table', { id: 'syncs-table' },
      h('thead', {}, h('tr', {}, ['Sync', 'Status', 'Schedule', 'Last finished', 'Records', 'Checkpoint', ''].map((t) => h('th', {}, t)))),
      syncsBody),
    h('div', { class: 'columns' },
      h('section', { class: 'card' }, h('h3', {}, 'Metadata'), json(connection.metadata ?? {}, { id: 'connection-metadata' })),
      h('section', { class: 'card' }, h('h3', {}, 'Errors'),
        errors.length === 0 ? h('p', { class: 'muted' }, 'None.') : json(errors, { id: 'connection-errors' }))));
  await refresh();
  // Live while a sync runs; a slower refresh otherwise so a scheduled run shows up too.
  let ticks = 0;
  return poll(async () => {
    ticks++;
    if (running || ticks % 5 === 0) {
      await refresh();
    }
  }, 1000);
}

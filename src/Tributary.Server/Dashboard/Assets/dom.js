// Builds elements without ever parsing HTML: text is always a text node (textContent), so record payloads and
// metadata (attacker-controlled) can never become markup. Nothing in the dashboard uses innerHTML.

/** h('a', { href: '#/x', class: 'c', onclick: fn }, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

/** A table from headings and rows of cells (strings or nodes). */
export function table(headings, rows, attributes = {}) {
  return h('table', attributes,
    h('thead', {}, h('tr', {}, headings.map((heading) => h('th', {}, heading)))),
    h('tbody', {}, rows));
}

/** JSON as text in a <pre>. */
export function json(value, attributes = {}) {
  return h('pre', { class: 'json', ...attributes }, JSON.stringify(value, null, 2));
}

export function when(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

export function badge(text) {
  const value = String(text ?? '—');
  return h('span', { class: `badge badge-${value.toLowerCase().replace(/[^a-z]/g, '')}` }, value);
}

/** Hash routes: '#/connection/a/b' with every part encoded. */
export function route(...parts) {
  return '#/' + parts.map((part) => encodeURIComponent(part)).join('/');
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, value);
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Resolves the prompt the confirmation dialog shows, until that prompt's answer is known.
let pendingAnswer = null;
let listening = false;

/** Shows the confirmation dialog; resolves true only when the user confirms. */
export function confirmAction(message) {
  const dialog = document.getElementById('confirm');
  if (!listening) {
    listening = true;
    // close() queues the close event; while the dialog is open again that event is an earlier prompt's, answered below.
    dialog.addEventListener('close', () => {
      if (!dialog.open) {
        settle(dialog.returnValue === 'ok');
      }
    });
  }
  // Asked again before the last prompt's close event arrived (cancel, then at once ask again): the last prompt is
  // answered now, with the answer its close left, so it is never given this prompt's answer.
  settle(!dialog.open && dialog.returnValue === 'ok');
  document.getElementById('confirm-message').textContent = message;
  return new Promise((resolve) => {
    pendingAnswer = resolve;
    dialog.returnValue = '';
    if (!dialog.open) {
      dialog.showModal();
    }
  });
}

function settle(confirmed) {
  const resolve = pendingAnswer;
  pendingAnswer = null;
  resolve?.(confirmed);
}

/** One message at the top of the screen; a new one replaces the last. */
export function notice(main, text, kind = 'info') {
  for (const old of main.querySelectorAll(':scope > .notice')) {
    old.remove();
  }
  const element = h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  main.prepend(element);
  return element;
}

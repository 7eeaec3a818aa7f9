// The MicroCDI dashboard: plain JavaScript, no build step. Reads services, health, calls and registry events from
// the gateway's /_micro/ resources (relative URLs: the page is served at /_micro/).
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const tokenInput = $('token');
  let services = [];
  let events = null;

  tokenInput.value = sessionStorage.getItem('micro.token') || '';
  tokenInput.addEventListener('change', () => {
    sessionStorage.setItem('micro.token', tokenInput.value);
    load();
    listen();
  });

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (tokenInput.value) h['Authorization'] = 'Bearer ' + tokenInput.value;
    return h;
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  // A registry Value (name, type, values) as a compact shape: {name: string, tags: []string}
  function shape(v) {
    if (!v) return '';
    if (!v.values || v.values.length === 0) return v.type;
    return '{' + v.values.map((f) => f.name + ': ' + shape(f)).join(', ') + '}';
  }

  // A JSON skeleton for a request Value: every field empty
  function skeleton(v) {
    if (!v || !v.values || v.values.length === 0) return {};
    const o = {};
    for (const f of v.values) {
      o[f.name] = f.values && f.values.length ? skeleton(f) : (/int|float|double|long|number/i.test(f.type) ? 0 : '');
    }
    return o;
  }

  async function load() {
    try {
      const r = await fetch('services', { headers: headers() });
      if (!r.ok) throw new Error(r.status + ' ' + (await r.text()));
      services = await r.json();
      render();
    } catch (e) {
      $('services').replaceChildren(el('p', { class: 'health-bad' }, 'Could not load services: ' + e.message));
    }
  }

  function render() {
    const list = $('services');
    if (services.length === 0) {
      list.replaceChildren(el('p', { class: 'muted' }, 'No service in the registry.'));
    } else {
      list.replaceChildren(...services.map(renderService));
    }
    $('service-names').replaceChildren(...services.map((s) => el('option', { value: s.name })));
    fillEndpoints();
    services.forEach((s) => checkHealth(s.name));
  }

  function renderService(s) {
    const box = el('div', { class: 'service', 'data-service': s.name }, el('h3', {}, s.name));
    for (const v of s.versions) {
      const nodes = el('table', { class: 'nodes' },
        el('tr', {}, el('th', {}, 'Node'), el('th', {}, 'Address'), el('th', {}, 'Health')));
      for (const n of v.nodes) {
        nodes.append(el('tr', { class: 'node', 'data-address': n.address, 'data-id': n.id },
          el('td', { class: 'mono' }, n.id), el('td', { class: 'mono' }, n.address),
          el('td', { class: 'health' }, '…')));
      }
      const eps = el('table', { class: 'endpoints' },
        el('tr', {}, el('th', {}, 'Endpoint'), el('th', {}, 'Request'), el('th', {}, 'Response')));
      for (const ep of v.endpoints) {
        const name = el('td', { class: 'endpoint mono', title: 'Fill the call form' }, ep.name);
        name.addEventListener('click', () => pick(s.name, ep));
        eps.append(el('tr', { 'data-endpoint': ep.name }, name,
          el('td', { class: 'mono' }, shape(ep.request)), el('td', { class: 'mono' }, shape(ep.response))));
      }
      box.append(el('div', { class: 'version', 'data-version': v.version },
        el('div', { class: 'muted' }, 'version ' + (v.version || '(none)') + ' · ' + v.nodes.length + ' node(s)'),
        nodes, eps));
    }
    return box;
  }

  async function checkHealth(name) {
    try {
      const r = await fetch('health/' + encodeURIComponent(name), { headers: headers() });
      if (!r.ok) return;
      for (const h of await r.json()) {
        const row = document.querySelector('.service[data-service="' + CSS.escape(name) + '"] .node[data-address="'
          + CSS.escape(h.address) + '"] .health');
        if (!row) continue;
        row.textContent = h.status + (h.error ? ' (' + h.error.code + ' ' + h.error.detail + ')' : '');
        row.className = 'health ' + (h.status === 'ok' ? 'health-ok' : 'health-bad');
      }
    } catch (e) {
      // the next registry event reloads
    }
  }

  function endpointsOf(name) {
    const s = services.find((x) => x.name === name);
    if (!s) return [];
    const seen = new Map();
    s.versions.forEach((v) => v.endpoints.forEach((ep) => seen.set(ep.name, ep)));
    return [...seen.values()];
  }

  function fillEndpoints() {
    const select = $('call-endpoint');
    const current = select.value;
    const eps = endpointsOf($('call-service').value);
    select.replaceChildren(...eps.map((ep) => el('option', { value: ep.name }, ep.name)));
    if (eps.some((ep) => ep.name === current)) select.value = current;
  }

  function pick(service, ep) {
    $('call-service').value = service;
    fillEndpoints();
    $('call-endpoint').value = ep.name;
    $('call-body').value = JSON.stringify(skeleton(ep.request), null, 2);
  }

  $('call-service').addEventListener('input', fillEndpoints);
  $('refresh').addEventListener('click', load);

  $('call-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reply = $('call-reply');
    const service = $('call-service').value.trim();
    const endpoint = $('call-endpoint').value;
    reply.className = 'reply';
    reply.textContent = '…';
    $('call-time').textContent = '';
    const t0 = performance.now();
    try {
      const r = await fetch('call/' + encodeURIComponent(service) + '/' + encodeURIComponent(endpoint), {
        method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: $('call-body').value });
      const text = await r.text();
      const ms = performance.now() - t0;
      const timing = /dur=([0-9.]+)/.exec(r.headers.get('Server-Timing') || '');
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: as is */ }
      reply.textContent = shown;
      reply.className = 'reply' + (r.ok ? '' : ' error');
      $('call-time').textContent = r.status + ' in ' + ms.toFixed(1) + ' ms'
        + (timing ? ' (call ' + Number(timing[1]).toFixed(1) + ' ms in the gateway)' : '');
    } catch (e) {
      reply.textContent = String(e);
      reply.className = 'reply error';
    }
  });

  function listen() {
    if (events) events.close();
    const status = $('registry-status');
    const url = 'events' + (tokenInput.value ? '?access_token=' + encodeURIComponent(tokenInput.value) : '');
    events = new EventSource(url);
    events.addEventListener('open', () => { status.textContent = 'live'; status.className = 'status live'; });
    events.onerror = () => { status.textContent = 'reconnecting…'; status.className = 'status down'; };
    for (const action of ['create', 'update', 'delete']) {
      events.addEventListener(action, (e) => {
        const data = JSON.parse(e.data);
        const s = data.service;
        const nodes = (s.nodes || []).map((n) => n.address).join(', ');
        const li = el('li', { class: action }, new Date().toLocaleTimeString() + ' ' + action + ' ' + s.name
          + (s.version ? ' ' + s.version : '') + (nodes ? ' · ' + nodes : ''));
        const log = $('events');
        log.prepend(li);
        while (log.children.length > 200) log.lastChild.remove();
        load();
      });
    }
  }

  load();
  listen();
})();

/**
 * The session page's script, inline under the response's nonce. Everything it needs comes from
 * data-* attributes of #app (escaped by the server); it writes user content only with
 * `.value` / `.textContent`, never as markup. URLs are relative to the page (`/s/<token>`).
 */
export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var app = document.getElementById('app');
  var token = app.getAttribute('data-token');
  var mode = app.getAttribute('data-mode');
  var kind = app.getAttribute('data-kind');
  var heartbeatMs = Number(app.getAttribute('data-heartbeat-ms')) || 30000;
  var urls = { content: token + '/content', heartbeat: token + '/heartbeat', close: token + '/close' };
  var editor = document.getElementById('editor');
  var saveButton = document.getElementById('save');
  var statusEl = document.getElementById('status');
  var versionEl = document.getElementById('version');
  var sizeEl = document.getElementById('size');
  var expiresEl = document.getElementById('expires');
  var state = { ended: false, loaded: false, saving: false, offline: false, savedText: '', savedAt: null, note: null };
  var heartbeatTimer = null;

  function show(text, tone, name) {
    statusEl.textContent = text;
    statusEl.className = tone || '';
    statusEl.setAttribute('data-state', name);
  }

  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    var units = ['KB', 'MB', 'GB'];
    var value = n / 1024;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (value < 10 ? value.toFixed(1) : Math.round(value)) + ' ' + units[unit];
  }

  function dirty() {
    return !!editor && state.loaded && editor.value !== state.savedText;
  }

  function refresh() {
    if (state.ended) return show('This session has ended', 'bad', 'ended');
    if (state.saving) return show('Saving…', '', 'saving');
    if (state.note) return show(state.note, 'bad', 'error');
    if (state.offline) return show('Connection lost, retrying…', 'warn', 'offline');
    if (kind !== 'text') return show(mode === 'edit' ? 'Ready' : 'View only', '', 'ready');
    if (!state.loaded) return show('Loading…', '', 'loading');
    if (mode !== 'edit') return show('View only', '', 'view');
    if (dirty()) return show('Unsaved changes', 'warn', 'dirty');
    if (state.savedAt) return show('Saved at ' + state.savedAt.toLocaleTimeString(), 'ok', 'saved');
    return show('No changes', '', 'clean');
  }

  function end() {
    if (state.ended) return;
    state.ended = true;
    clearInterval(heartbeatTimer);
    document.body.classList.add('ended');
    document.getElementById('ended').hidden = false;
    if (editor) editor.readOnly = true;
    if (saveButton) saveButton.disabled = true;
    refresh();
  }

  function heartbeat() {
    if (state.ended) return;
    fetch(urls.heartbeat, { method: 'POST', cache: 'no-store' }).then(function (res) {
      if (res.status === 404 || res.status === 410) return end();
      state.offline = !res.ok;
      refresh();
    }, function () {
      state.offline = true;
      refresh();
    });
  }

  function loadText() {
    fetch(urls.content, { cache: 'no-store' }).then(function (res) {
      if (res.status === 404 || res.status === 410) return end();
      if (!res.ok) throw new Error('HTTP ' + res.status);
      var version = res.headers.get('x-document-version');
      if (version) versionEl.textContent = version;
      var length = res.headers.get('content-length');
      if (length) sizeEl.textContent = formatBytes(Number(length));
      return res.text().then(function (text) {
        editor.value = text;
        state.savedText = text;
        state.loaded = true;
        editor.readOnly = mode !== 'edit' || state.ended;
        if (saveButton) saveButton.disabled = state.ended;
        refresh();
      });
    }).catch(function () {
      state.note = 'Could not load the document';
      refresh();
    });
  }

  function save() {
    if (mode !== 'edit' || !editor || !state.loaded || state.ended || state.saving) return;
    var text = editor.value;
    state.saving = true;
    state.note = null;
    saveButton.disabled = true;
    refresh();
    fetch(urls.content, {
      method: 'PUT',
      cache: 'no-store',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: text
    }).then(function (res) {
      if (res.status === 404 || res.status === 410) return end();
      if (res.status === 403) { state.note = 'This session is view only'; return; }
      if (res.status === 413) { state.note = 'Too large to save'; return; }
      if (!res.ok) { state.note = 'Could not save (HTTP ' + res.status + ')'; return; }
      return res.json().then(function (body) {
        versionEl.textContent = String(body.version);
        sizeEl.textContent = formatBytes(new Blob([text]).size);
        state.savedText = text;
        state.savedAt = new Date(body.saved_at);
      });
    }, function () {
      state.note = 'Could not save: connection lost';
    }).then(function () {
      state.saving = false;
      if (saveButton) saveButton.disabled = state.ended;
      refresh();
    });
  }

  function showExpiry() {
    var at = new Date(expiresEl.getAttribute('datetime'));
    if (isNaN(at.getTime())) return;
    var minutes = Math.round((at.getTime() - Date.now()) / 60000);
    var left = minutes <= 0 ? 'now' : minutes < 60 ? 'in ' + minutes + ' min'
      : 'in ' + Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
    expiresEl.textContent = at.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) + ' (' + left + ')';
  }

  if (editor) {
    editor.addEventListener('input', refresh);
    if (saveButton) saveButton.addEventListener('click', save);
    document.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
        e.preventDefault();
        save();
      }
    });
    loadText();
  }
  window.addEventListener('beforeunload', function (e) {
    if (dirty() && !state.ended) { e.preventDefault(); e.returnValue = ''; }
  });
  // Closing the tab (or leaving the page) ends the session after the grace; a reload comes back in time.
  window.addEventListener('pagehide', function () {
    if (!state.ended && navigator.sendBeacon) navigator.sendBeacon(urls.close);
  });
  window.addEventListener('pageshow', function (e) { if (e.persisted) heartbeat(); });

  showExpiry();
  setInterval(showExpiry, 30000);
  refresh();
  heartbeat(); // at once: a reload cancels the close beacon of the page it replaced
  heartbeatTimer = setInterval(heartbeat, heartbeatMs);
})();
`;

/**
 * The WOPI host page's script (inline under the response's nonce). It posts the form into the
 * iframe, listens to the editor's PostMessage API — only from the editor's origin, everything
 * else is ignored — and keeps the session's presence like the built-in page: a heartbeat every
 * HEARTBEAT_SECONDS, a close beacon on `pagehide`. The editor's `UI_Close` sends that same close
 * beacon (the session then closes after the grace, which leaves the editor time for its exit
 * save). When a heartbeat finds the session ended, the iframe goes, so the editor unloads the
 * document, and the page shows that the session has ended.
 */
export const EDITOR_SCRIPT = `
(function () {
  'use strict';
  var app = document.getElementById('app');
  var token = app.getAttribute('data-token');
  var editorOrigin = app.getAttribute('data-editor-origin');
  var heartbeatMs = Number(app.getAttribute('data-heartbeat-ms')) || 30000;
  var urls = { heartbeat: token + '/heartbeat', close: token + '/close' };
  var frame = document.getElementById('editor-frame');
  var statusEl = document.getElementById('status');
  var state = { ended: false, closed: false, hostReady: false };
  var heartbeatTimer = null;

  function show(text, tone, name) {
    statusEl.textContent = text;
    statusEl.className = tone || '';
    statusEl.setAttribute('data-state', name);
  }

  function dropEditor(heading, text) {
    clearInterval(heartbeatTimer);
    if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
    frame = null;
    var card = document.createElement('div');
    card.className = 'card';
    var h = document.createElement('h1');
    h.textContent = heading;
    var p = document.createElement('p');
    p.textContent = text;
    card.appendChild(h);
    card.appendChild(p);
    app.appendChild(card);
  }

  function end() {
    if (state.ended) return;
    state.ended = true;
    document.body.classList.add('ended');
    document.getElementById('ended').hidden = false;
    dropEditor('This session has ended', 'Ask for a new link to open the document again.');
    show('This session has ended', 'bad', 'ended');
  }

  function closeByUser() {
    if (state.closed || state.ended) return;
    state.closed = true;
    if (navigator.sendBeacon) navigator.sendBeacon(urls.close);
    dropEditor('Document closed', 'You closed the document. This session ends now.');
    show('Closed', '', 'closed');
  }

  function heartbeat() {
    if (state.ended || state.closed) return;
    fetch(urls.heartbeat, { method: 'POST', cache: 'no-store' }).then(function (res) {
      if (res.status === 404 || res.status === 410) return end();
      if (!res.ok) show('Connection lost, retrying…', 'warn', 'offline');
      else if (statusEl.getAttribute('data-state') === 'offline') show('Connected', '', 'online');
    }, function () {
      show('Connection lost, retrying…', 'warn', 'offline');
    });
  }

  function toEditor(id, values) {
    if (!frame || !frame.contentWindow) return;
    frame.contentWindow.postMessage(JSON.stringify({ MessageId: id, SendTime: Date.now(), Values: values || {} }), editorOrigin);
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== editorOrigin || !frame || e.source !== frame.contentWindow) return;
    var message;
    try { message = typeof e.data === 'string' ? JSON.parse(e.data) : e.data; } catch (err) { return; }
    if (!message || typeof message.MessageId !== 'string') return;
    var values = message.Values || {};
    if (message.MessageId === 'App_LoadingStatus') {
      if (!state.hostReady) { state.hostReady = true; toEditor('Host_PostmessageReady'); }
      if (values.Status === 'Document_Loaded') show('Editor ready', 'ok', 'editor-loaded');
      else if (values.Status === 'Failed') show('The editor could not open the document', 'bad', 'editor-failed');
    } else if (message.MessageId === 'UI_Close') {
      closeByUser();
    }
  });

  window.addEventListener('pagehide', function () {
    if (!state.ended && !state.closed && navigator.sendBeacon) navigator.sendBeacon(urls.close);
  });
  window.addEventListener('pageshow', function (e) { if (e.persisted) heartbeat(); });

  show('Opening the editor…', '', 'editor-loading');
  document.getElementById('editor-form').submit();
  heartbeat(); // at once: a reload cancels the close beacon of the page it replaced
  heartbeatTimer = setInterval(heartbeat, heartbeatMs);
})();
`;

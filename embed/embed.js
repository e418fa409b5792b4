/* Tandem's loader. What it does and why: embed/README.md */
(function (w, d) {
  var me = d.currentScript, T = w.Tandem;
  if (!me || (T && !T.q)) return;
  var origin = new URL(me.src).origin, site = me.getAttribute('data-site') || '';
  var queued = (T && T.q) || [], handlers = {}, state = {};
  var host, root, button, panel, frame, timer, shown, ready, L = ['Open chat', 'Close chat'];
  var CSS =
    ':host{all:initial;--b:#1d4ed8;--i:#fff}.l,.p{position:fixed;z-index:2147483647;right:20px}' +
    '.l{bottom:20px;width:56px;height:56px;border:0;border-radius:50%;background:var(--b);color:var(--i);' +
    'cursor:pointer;padding:14px;box-shadow:0 4px 12px #0005}.l:focus-visible{outline:3px solid #111;outline-offset:3px}' +
    '.p{bottom:88px;width:380px;height:min(640px,calc(100vh - 108px));border-radius:12px;overflow:hidden;' +
    'background:#fff;box-shadow:0 8px 30px #0005}[hidden]{display:none}iframe{border:0;width:100%;height:100%}' +
    ':host(.left) .l,:host(.left) .p{right:auto;left:20px}' +
    '@media (max-width:640px){.p{inset:0;width:auto;height:auto;border-radius:0}.l[aria-expanded=true]{display:none}}';

  function emit(name) {
    (handlers[name] || []).forEach(function (fn) {
      try { fn(); } catch (e) { setTimeout(function () { throw e; }); }
    });
  }

  function post(type, data) {
    if (ready) frame.contentWindow.postMessage({ tandem: type, data: data }, origin);
  }

  function svg(tag, attrs, parent) {
    var e = parent.appendChild(d.createElementNS('http://www.w3.org/2000/svg', tag));
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function draw() {
    if (root) return;
    host = d.createElement('div');
    host.setAttribute('data-tandem', site);
    root = host.attachShadow({ mode: 'open' });
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    panel = root.appendChild(d.createElement('div'));
    panel.className = 'p';
    panel.id = 'p';
    panel.hidden = true;
    button = root.appendChild(d.createElement('button'));
    button.className = 'l';
    button.setAttribute('aria-controls', 'p');
    button.onclick = toggle;
    svg('path', { d: 'M3 4h18v13H8l-5 4z', fill: 'currentColor' },
      svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, button));
    label();
    d.body.appendChild(host);
    fetch(origin + '/v1/sites/' + site).then(function (r) { return r.json(); }).then(function (s) {
      host.style.setProperty('--b', s.brand_color);
      host.style.setProperty('--i', s.brand_text);
      if (s.position == 'left') host.className = 'left';
      if (s.launcher) L = s.launcher, label();
    }, function () {});
  }

  function label() {
    button.setAttribute('aria-label', L[shown | 0]);
    button.setAttribute('aria-expanded', !!shown);
  }

  function fit() {
    var v = w.visualViewport;
    if (v && panel) panel.style.height = innerWidth > 640 ? '' : v.height + 'px';
  }

  function open() {
    draw();
    if (shown) return;
    shown = 1;
    if (!frame) {
      frame = panel.appendChild(d.createElement('iframe'));
      frame.title = 'Chat';
      frame.src = origin + '/w/' + encodeURIComponent(site) + '?origin=' + encodeURIComponent(location.origin);
      timer = setTimeout(broken, 8000);
    } else {
      post('open');
    }
    panel.hidden = false;
    fit();
    label();
    emit('open');
  }

  function close() {
    if (!shown) return;
    shown = 0;
    panel.hidden = true;
    label();
    button.focus();
    emit('close');
  }

  function toggle() {
    shown ? close() : open();
  }

  function broken() {
    frame.remove();
    frame = ready = null;
    close();
  }

  function keep(type) {
    return function (data) {
      state[type] = data;
      post(type, data);
    };
  }

  w.addEventListener('message', function (e) {
    if (e.origin != origin || !frame || e.source != frame.contentWindow) return;
    var m = e.data || {}, t = m.tandem;
    if (t == 'ready') {
      clearTimeout(timer);
      ready = 1;
      for (var k in state) post(k, state[k]);
      frame.focus();
      post('open');
    } else if (t == 'close') {
      close();
    } else if (t == 'event') {
      emit(m.name);
    }
  });
  d.addEventListener('keydown', function (e) {
    if (e.key == 'Escape' && shown) close();
  });
  if (w.visualViewport) w.visualViewport.addEventListener('resize', fit);

  T = w.Tandem = {
    open: open,
    close: close,
    toggle: toggle,
    on: function (name, fn) {
      (handlers[name] = handlers[name] || []).push(fn);
    },
    identify: keep('identify'),
    setContext: keep('context')
  };
  queued.forEach(function (c) {
    T[c[0]].apply(T, c[1]);
  });
  (w.requestIdleCallback || setTimeout)(draw);
})(window, document);

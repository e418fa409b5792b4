/* Tandem's loader. What it does and why: embed/README.md */
(function (w, d) {
  var me = d.currentScript, T = w.Tandem;
  if (!me || (T && !T.q)) return;
  var origin = new URL(me.src).origin, site = me.getAttribute('data-site') || '';
  var queued = (T && T.q) || [], handlers = {}, state = {};
  var host, root, button, badge, news, panel, frame, timer, shown, ready, live, noted, unread = 0;
  var key = 'tandem-live:' + site, L = ['Open chat', 'Close chat', 'New messages in the chat: {n}'];
  var CSS =
    ':host{all:initial;--b:#1d4ed8;--i:#fff}.l,.p,.n,.s{position:fixed;z-index:2147483647;right:20px}' +
    '.l{bottom:20px;width:56px;height:56px;border:0;border-radius:50%;background:var(--b);color:var(--i);' +
    'cursor:pointer;padding:14px;box-shadow:0 4px 12px #0005}.l:focus-visible{outline:3px solid #111;outline-offset:3px}' +
    '.p{bottom:88px;width:380px;height:min(640px,calc(100vh - 108px));border-radius:12px;overflow:hidden;' +
    'background:#fff;box-shadow:0 8px 30px #0005}[hidden]{display:none}iframe{border:0;width:100%;height:100%}' +
    ':host(.left) .l,:host(.left) .p{right:auto;left:20px}:host(.left) .n{right:auto;left:16px}' +
    '.n{right:16px;bottom:58px;pointer-events:none;min-width:10px;padding:0 5px;border:1px solid transparent;' +
    'border-radius:11px;background:#b91c1c;color:#fff;font:700 13px/20px sans-serif;text-align:center;' +
    'box-shadow:0 0 0 2px #fff}.n:empty{display:none}.s{width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}' +
    '@media (max-width:640px){.p{inset:0!important;width:auto;height:auto;border-radius:0}.l[aria-expanded=true]{display:none}}';

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
    // Esc on the launcher (in the widget, the widget says so): not anywhere on the shop's
    // page, where it closes the shop's own menus and dialogs.
    host.onkeydown = function (e) {
      if (e.key == 'Escape') close();
    };
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
    button.setAttribute('aria-describedby', 's');
    button.onclick = toggle;
    svg('path', { d: 'M3 4h18v13H8l-5 4z', fill: 'currentColor' },
      svg('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, button));
    // Beside the button, not in it (its name is what it does), and seen, not read out: the
    // status region below says it in words.
    badge = root.appendChild(d.createElement('span'));
    badge.className = 'n';
    badge.setAttribute('aria-hidden', 'true');
    news = root.appendChild(d.createElement('span'));
    news.className = news.id = 's';
    news.setAttribute('role', 'status');
    label();
    d.body.appendChild(host);
    fetch(origin + '/v1/sites/' + site).then(function (r) { return r.json(); }).then(function (s) {
      host.style.setProperty('--b', s.brand_color);
      host.style.setProperty('--i', s.brand_text);
      if (s.position == 'left') host.className = 'left';
      if (s.launcher) L = s.launcher, label(), count();
    }, function () {});
  }

  function label() {
    button.setAttribute('aria-label', L[shown | 0]);
    button.setAttribute('aria-expanded', !!shown);
  }

  // What came from a person while the panel was closed: a count on the launcher, told to
  // screen readers (once: the next page draws it again), and kept in the tab's session, so
  // the next page shows it too.
  function count() {
    var told = unread ? L[2].replace('{n}', unread) : '';
    badge.textContent = unread || '';
    if (news.textContent != told) news.textContent = told;
    save();
  }

  // Only once a person is involved does the loader write anything on the page: while one
  // is, or something they wrote is unread, the tab's session storage notes the count, so
  // the next page loads the widget (hidden) at once and the conversation goes on.
  function save() {
    try {
      if (live || unread) sessionStorage.setItem(key, unread), noted = 1;
      else if (noted) sessionStorage.removeItem(key), noted = 0;
    } catch (e) {}
  }

  function load() {
    frame = panel.appendChild(d.createElement('iframe'));
    frame.title = 'Chat';
    frame.src = origin + '/w/' + encodeURIComponent(site) + '?origin=' + encodeURIComponent(location.origin);
    timer = setTimeout(broken, 8000);
  }

  function fit() {
    var v = w.visualViewport;
    if (v && panel) panel.style.height = innerWidth > 640 ? '' : v.height + 'px';
  }

  function open() {
    draw();
    if (shown) return;
    shown = 1;
    panel.hidden = false;
    fit();
    label();
    unread = 0;
    count();
    if (!frame) load();
    else if (ready) frame.focus(), post('open');
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
      if (shown) frame.focus(), post('open');
    } else if (t == 'close') {
      close();
    } else if (t == 'event') {
      emit(m.name);
      // The widget's events but the handoff (the shopper's own doing) come from a person.
      if (!shown && m.name != 'handoff') unread++, count();
    } else if (t == 'live') {
      live = m.data;
      save();
    }
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
  (w.requestIdleCallback || setTimeout)(function () {
    draw();
    try {
      var kept = sessionStorage.getItem(key);
    } catch (e) {}
    if (kept == null) return;
    live = noted = 1;
    // Unless Tandem.open() came first. The status region is told once the site's texts have
    // come (count() then), so a screen reader hears it once and in the shopper's language.
    if (!frame) unread = +kept, load();
    badge.textContent = unread || '';
  });
})(window, document);

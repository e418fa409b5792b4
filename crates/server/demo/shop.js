// The demo shop's own script: the snippet merchants paste so calls made before the async
// embed.js has loaded are queued (embed/README.md), then what each checkout page tells
// Tandem: the cart, and the step (its script tag's data-page).
window.Tandem = window.Tandem || { q: [] };
['open', 'close', 'toggle', 'on', 'identify', 'setContext'].forEach(function (m) {
  Tandem[m] = Tandem[m] || function () { Tandem.q.push([m, arguments]); };
});
Tandem.setContext({
  page: document.currentScript.getAttribute('data-page'),
  cart_value: 224.5,
  currency: 'EUR',
  items: 4
});

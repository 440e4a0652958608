// binhdang's service worker: keeps, on this device, the entry forms the officer has opened
// and the interface's own files, so that a form opens again without a connection. Figures
// typed offline are kept by the page itself (app.js) and sent when the connection returns.
"use strict";
var PAGES = "binhdang-pages-v1";
var FILES = "binhdang-files-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });

// One copy per unit and period: the note after a save (`msg=`) is not part of the form.
function pageKey(url) {
  var u = new URL(url);
  u.searchParams.delete("msg");
  u.hash = "";
  return u.toString();
}

function isEntryForm(url) {
  return url.origin === self.location.origin && url.pathname === "/nhap-lieu";
}

function keepPage(request, response) {
  if (!response.ok || response.type !== "basic") return Promise.resolve();
  return caches.open(PAGES).then(function (c) { return c.put(pageKey(request.url), response); });
}

function offlinePage() {
  var html = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>binhdang</title>" +
    "<body style=\"font-family:sans-serif;padding:1rem;max-width:40rem\">" +
    "<h1>Không có kết nối mạng</h1><p>Trang này chưa được mở trên thiết bị này khi còn mạng, nên chưa xem được. " +
    "Biểu nhập số liệu nào đã mở trên thiết bị này thì vẫn mở và nhập được khi không có mạng.</p>" +
    "<p lang=\"en\">No connection. This page has not been opened on this device while online. " +
    "The entry forms opened here before still open, and take figures, without a connection.</p></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (e) {
  var request = e.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    // Their addresses carry a fingerprint of their content: a copy never goes stale.
    e.respondWith(caches.open(FILES).then(function (c) {
      return c.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) c.put(request, response.clone());
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode === "navigate" && isEntryForm(url)) {
    // The network first, so that the form shows what is saved now; the copy when offline.
    e.respondWith(fetch(request).then(function (response) {
      e.waitUntil(keepPage(request, response.clone()));
      return response;
    }).catch(function () {
      return caches.open(PAGES)
        .then(function (c) { return c.match(pageKey(request.url)); })
        .then(function (hit) { return hit || offlinePage(); });
    }));
  }
});

// The page asks for itself and its files to be kept (a first visit is not yet served through
// this worker), and answers when they are.
self.addEventListener("message", function (e) {
  var data = e.data || {};
  if (data.type === "keep" && isEntryForm(new URL(data.page))) {
    var files = caches.open(FILES).then(function (c) {
      return Promise.all((data.files || []).map(function (f) {
        return c.match(f).then(function (hit) { return hit || c.add(f); });
      }));
    });
    var page = caches.open(PAGES).then(function (c) {
      return c.match(pageKey(data.page)).then(function (hit) {
        if (hit) return;
        var request = new Request(data.page, { credentials: "same-origin" });
        return fetch(request).then(function (response) { return keepPage(request, response); });
      });
    });
    e.waitUntil(Promise.all([files, page]).then(function () {
      if (e.source) e.source.postMessage({ type: "kept", page: data.page });
    }).catch(function () { /* offline already: nothing more to keep */ }));
  } else if (data.type === "forget") {
    e.waitUntil(caches.delete(PAGES));
  }
});

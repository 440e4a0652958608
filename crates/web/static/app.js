// binhdang: the little JavaScript the interface uses. Pages work without it (forms post,
// tables show the figures); it adds the live percentage while typing and draws the charts.
"use strict";
(function () {
  // Reads a number the Vietnamese way: "1.260" is 1260 and "63,6" is 63.6.
  function parseVi(text) {
    var s = (text || "").trim().replace(/\s/g, "");
    if (s === "") return null;
    if (!/^-?[0-9.]*(,[0-9]+)?$/.test(s)) return NaN;
    s = s.replace(/\./g, "").replace(",", ".");
    var n = Number(s);
    return isFinite(n) ? n : NaN;
  }
  function formatVi(n, places) {
    var fixed = Math.abs(n).toFixed(places).split(".");
    var whole = fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (n < 0 ? "-" : "") + whole + (fixed[1] ? "," + fixed[1] : "");
  }
  window.binhdang = { parseVi: parseVi, formatVi: formatVi };

  // Live value of each quotient indicator: numerator ÷ denominator × factor, by breakdown.
  function valueOf(block, role, d) {
    var input = block.querySelector('input[data-role="' + role + '"][data-d="' + d + '"]');
    var v = input ? parseVi(input.value) : null;
    if (d === "total" && v === null) {
      // The sum of the parts (men and women, or ethnic groups, or age groups) when all are typed.
      var parts = block.querySelectorAll('input[data-role="' + role + '"]:not([data-d="total"])');
      if (parts.length === 0) return null;
      var sum = 0;
      for (var i = 0; i < parts.length; i++) {
        var p = parseVi(parts[i].value);
        if (p === null || isNaN(p)) return null;
        sum += p;
      }
      return sum;
    }
    return v;
  }
  var EN = document.documentElement.lang === "en";
  var GROUP = { total: EN ? "total" : "tổng", male: EN ? "men" : "nam", female: EN ? "women" : "nữ" };
  // The same checks the server runs on save, said while typing: a share's numerator may not
  // exceed its denominator, and typed parts must add up to a typed total.
  function liveProblems(block) {
    var found = [];
    if (block.hasAttribute("data-share")) {
      block.querySelectorAll("output[data-d]").forEach(function (out) {
        var d = out.getAttribute("data-d");
        var num = valueOf(block, "num", d), den = valueOf(block, "den", d);
        if (num !== null && den !== null && !isNaN(num) && !isNaN(den) && num > den) {
          found.push(EN
            ? "Numerator (" + (GROUP[d] || d) + ") " + formatVi(num, 0) + " is larger than the denominator " + formatVi(den, 0) + ": a share cannot exceed 100%"
            : "Tử số (" + (GROUP[d] || d) + ") " + formatVi(num, 0) + " lớn hơn mẫu số " + formatVi(den, 0) + ": tỷ lệ không thể quá 100%");
        }
      });
    }
    ["num", "den"].forEach(function (role) {
      var total = block.querySelector('input[data-role="' + role + '"][data-d="total"]');
      var parts = block.querySelectorAll('input[data-role="' + role + '"]:not([data-d="total"])');
      if (!total || parts.length === 0) return;
      var t = parseVi(total.value), sum = 0;
      if (t === null || isNaN(t)) return;
      for (var i = 0; i < parts.length; i++) {
        var p = parseVi(parts[i].value);
        if (p === null || isNaN(p)) return;
        sum += p;
      }
      if (sum !== t) {
        var name = role === "num" ? (EN ? "numerator" : "tử số") : (EN ? "denominator" : "mẫu số");
        found.push(EN
          ? "The parts of the " + name + " add up to " + formatVi(sum, 0) + ", not the total " + formatVi(t, 0)
          : "Các phần của " + name + " cộng lại bằng " + formatVi(sum, 0) + ", khác tổng " + formatVi(t, 0));
      }
    });
    return found;
  }
  function updateBlock(block) {
    var factor = Number(block.getAttribute("data-factor") || "100");
    var places = Number(block.getAttribute("data-places") || "1");
    var suffix = block.getAttribute("data-suffix") || "";
    block.querySelectorAll("output[data-d]").forEach(function (out) {
      var d = out.getAttribute("data-d");
      var num = valueOf(block, "num", d), den = valueOf(block, "den", d);
      if (num === null || den === null || isNaN(num) || isNaN(den) || den === 0) {
        out.textContent = "–";
      } else {
        out.textContent = formatVi((num / den) * factor, places) + suffix;
      }
    });
    var live = block.querySelector(".live-check");
    if (live) {
      var found = liveProblems(block);
      live.textContent = found.join(". ");
      live.hidden = found.length === 0;
    }
  }
  function initEntry(root) {
    root.querySelectorAll(".indicator[data-factor]").forEach(function (block) {
      updateBlock(block);
      block.addEventListener("input", function () { updateBlock(block); });
    });
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      initDraft(form);
      initQueue(form);
    });
  }

  // What was typed in the entry form but not yet saved is kept in the browser, so a lost
  // connection, an expired session or a closed tab does not lose it. Each box keeps the
  // value the server showed ("from") and the one typed ("to"); on the next visit a box is
  // restored only while the server still shows "from", so a draft never overwrites figures
  // saved since. A saved box (the server shows "to") leaves the draft by itself.
  var DRAFT_PREFIX = "binhdang-draft:";
  function readDraft(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null") || {}; } catch (e) { return {}; }
  }
  function writeDraft(key, draft) {
    try {
      if (Object.keys(draft).length) window.localStorage.setItem(key, JSON.stringify(draft));
      else window.localStorage.removeItem(key);
    } catch (e) { /* storage full or refused: the form still works */ }
  }
  function initDraft(form) {
    var key = DRAFT_PREFIX + form.getAttribute("data-draft");
    if (form.hasAttribute("data-draft-clear")) { writeDraft(key, {}); return; }
    var boxes = {};
    form.querySelectorAll("input[type=text][name], textarea[name], select[name]").forEach(function (b) {
      if (!b.disabled) boxes[b.name] = b;
    });
    // A form sent back with problems shows what was typed, not what is saved: the draft
    // stays until a save goes through.
    var unsaved = form.hasAttribute("data-draft-unsaved");
    // A save queued offline is sent whole: a box saved differently since is sent too, with the
    // value it replaced, and the server refuses it with a message under it.
    var queued = isQueued(form);
    var draft = readDraft(key), restored = [], stale = 0;
    Object.keys(draft).forEach(function (name) {
      var box = boxes[name], entry = draft[name];
      if (!box) { delete draft[name]; return; }
      if (box.value === entry.to) { if (!unsaved) delete draft[name]; return; }
      if (box.value === entry.from) {
        box.value = entry.to;
        box.classList.add("restored");
        restored.push(box);
      } else if (unsaved) {
        entry.to = box.value;
      } else if (queued && wasField(form, name)) {
        wasField(form, name).value = entry.from;
        box.value = entry.to;
        restored.push(box);
      } else {
        stale += 1;
        delete draft[name];
      }
    });
    writeDraft(key, draft);
    var shown = {};
    Object.keys(boxes).forEach(function (name) {
      var box = boxes[name];
      shown[name] = draft[name] ? draft[name].from : box.value;
      var remember = function () {
        var d = readDraft(key);
        if (box.value === shown[name]) delete d[name];
        else d[name] = { from: shown[name], to: box.value };
        writeDraft(key, d);
      };
      box.addEventListener("input", remember);
      box.addEventListener("change", remember);
    });
    if (restored.length || stale) showDraftNotice(form, key, restored, stale, shown);
    restored.forEach(function (box) { box.dispatchEvent(new Event("input", { bubbles: true })); });
  }
  function showDraftNotice(form, key, restored, stale, shown) {
    var note = document.createElement("div");
    note.className = "notice warn";
    note.id = "draft-notice";
    note.setAttribute("role", "status");
    var text = document.createElement("p");
    var parts = [];
    if (restored.length) parts.push(form.getAttribute("data-draft-restored").replace("{n}", restored.length));
    if (stale) parts.push(form.getAttribute("data-draft-stale").replace("{n}", stale));
    text.textContent = parts.join(" ");
    note.appendChild(text);
    if (restored.length) {
      var discard = document.createElement("button");
      discard.type = "button";
      discard.id = "draft-discard";
      discard.textContent = form.getAttribute("data-draft-discard");
      discard.addEventListener("click", function () {
        restored.forEach(function (box) {
          box.value = shown[box.name];
          box.classList.remove("restored");
          box.dispatchEvent(new Event("input", { bubbles: true }));
        });
        writeDraft(key, {});
        note.remove();
      });
      note.appendChild(discard);
    }
    form.insertBefore(note, form.firstChild);
  }
  // The hidden field that tells the server what a box held when the form was loaded.
  function wasField(form, name) {
    return form.querySelector('input[type=hidden][name="was.' + name + '"]');
  }

  // Saving without a connection: the figures stay in the draft (each box with the value it
  // replaces), the save is marked as waiting, and it is sent as soon as the connection is
  // back — on this page, or on the form opened again later.
  var QUEUE_PREFIX = "binhdang-queued:";
  function queueKey(form) { return QUEUE_PREFIX + form.getAttribute("data-draft"); }
  function isQueued(form) {
    try { return !!window.localStorage.getItem(queueKey(form)); } catch (e) { return false; }
  }
  function initQueue(form) {
    if (form.hasAttribute("data-draft-clear")) {
      try { window.localStorage.removeItem(queueKey(form)); } catch (e) { /* nothing kept */ }
      return;
    }
    form.addEventListener("submit", function (e) {
      if (navigator.onLine !== false) return;
      e.preventDefault();
      try { window.localStorage.setItem(queueKey(form), String(Date.now())); } catch (err) { return; }
      showQueued(form);
    });
    // Sent only once the server answers: "online" says a network is there, not the server.
    var asking = false;
    var send = function () {
      if (asking || navigator.onLine === false || !isQueued(form)) return;
      asking = true;
      fetch("/api/v1/health", { cache: "no-store" }).then(function (r) {
        asking = false;
        if (!r.ok || !isQueued(form)) return;
        window.localStorage.removeItem(queueKey(form));
        var notice = document.getElementById("queued-notice");
        if (notice) notice.textContent = form.getAttribute("data-queue-sending");
        var save = form.querySelector("#save");
        if (form.requestSubmit) form.requestSubmit(save); else save.click();
      }).catch(function () { asking = false; });
    };
    if (isQueued(form)) showQueued(form);
    window.addEventListener("online", send);
    window.setInterval(send, 15000);
    send();
  }
  function showQueued(form) {
    var note = document.getElementById("queued-notice");
    if (!note) {
      note = document.createElement("div");
      note.className = "notice warn";
      note.id = "queued-notice";
      note.setAttribute("role", "status");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = form.getAttribute("data-queued");
    note.scrollIntoView({ block: "nearest" });
  }

  // The service worker keeps the entry forms opened here, so they open without a connection.
  function keepForOffline() {
    var form = document.querySelector("form[data-draft]");
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    navigator.serviceWorker.addEventListener("message", function (e) {
      var status = document.getElementById("offline-status");
      if (e.data && e.data.type === "kept" && status) {
        status.textContent = status.getAttribute("data-ready");
        status.hidden = false;
      }
    });
    navigator.serviceWorker.register("/sw.js").then(function () {
      if (!form || form.hasAttribute("data-draft-clear")) return null;
      return navigator.serviceWorker.ready.then(function (registration) {
        var files = Array.prototype.map.call(
          document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon]"),
          function (el) { return el.src || el.href; });
        registration.active.postMessage({ type: "keep", page: window.location.href, files: files });
      });
    }).catch(function () { /* no worker: the form still works online */ });
  }

  // Signing out on a shared computer leaves no figures behind in the browser.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("form[action='/dang-xuat']")) return;
    try {
      Object.keys(window.localStorage).forEach(function (k) {
        if (k.indexOf(DRAFT_PREFIX) === 0 || k.indexOf(QUEUE_PREFIX) === 0) window.localStorage.removeItem(k);
      });
    } catch (err) { /* nothing stored */ }
    if (window.caches) window.caches.delete("binhdang-pages-v1");
  });

  // Charts: each <div class="chart" data-chart="{…}"> holds its figures as JSON.
  // The axis shows the values and the target lines alike.
  function range(values, extra) {
    var all = values.concat(extra).filter(function (v) { return v !== null && isFinite(v); });
    if (!all.length) return {};
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);
    var pad = Math.max((hi - lo) * 0.1, Math.abs(hi) * 0.02, 1);
    return { min: Math.max(0, Math.floor(lo - pad)), max: Math.ceil(hi + pad) };
  }
  function seriesOption(spec) {
    var targets = spec.targets || [];
    var marks = targets.map(function (t) {
      return { name: t.label, yAxis: t.value, label: { formatter: t.label, position: "insideEndTop" } };
    });
    var r = range(spec.values, targets.map(function (t) { return t.value; }));
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.labels, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: spec.unit || "", min: r.min, max: r.max, axisLabel: { formatter: function (v) { return formatVi(v, 0); } } },
      legend: spec.by_sex ? { top: 0, left: "center" } : undefined,
      series: [{
        name: spec.name, type: "line", data: spec.values, connectNulls: false, symbolSize: 7,
        lineStyle: { width: 3, color: "#0b57a4" }, itemStyle: { color: "#0b57a4" },
        markLine: marks.length ? { symbol: "none", lineStyle: { type: "dashed", color: "#a4231b" }, data: marks } : undefined
      }].concat(spec.by_sex ? [
        // Men and women: told apart by their line style and symbol, not by colour alone.
        { name: spec.by_sex.male_label, type: "line", data: spec.by_sex.male, symbol: "rect", symbolSize: 7,
          lineStyle: { width: 2, type: "dotted", color: "#1e6b34" }, itemStyle: { color: "#1e6b34" } },
        { name: spec.by_sex.female_label, type: "line", data: spec.by_sex.female, symbol: "triangle", symbolSize: 8,
          lineStyle: { width: 2, type: "dashed", color: "#7a2e8c" }, itemStyle: { color: "#7a2e8c" } }
      ] : [])
    };
  }
  function barsOption(spec) {
    var places = spec.places === undefined ? 1 : spec.places;
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: spec.unit || "", axisLabel: { formatter: function (v) { return formatVi(v, 0); } } },
      yAxis: { type: "category", data: spec.labels, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{
        name: spec.name, type: "bar", data: spec.values, itemStyle: { color: "#0b57a4" },
        label: { show: true, position: "right", color: "#1a1a1a", formatter: function (p) { return formatVi(p.value, places) + (spec.unit === "%" ? "%" : ""); } }
      }]
    };
  }
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var spec;
      try { spec = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
      if (spec.kind === "bars") {
        el.style.height = Math.max(8, spec.labels.length * 1.9 + 3) + "rem";
      }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(spec.kind === "bars" ? barsOption(spec) : seriesOption(spec), true);
      el.setAttribute("data-drawn", "true");
    });
  }
  window.addEventListener("resize", function () {
    if (!window.echarts) return;
    document.querySelectorAll(".chart[data-drawn]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });

  // The list of problems at the top of the entry form: a link to a box puts the cursor in it.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("#problem-list a[href^='#']");
    if (!link) return;
    var box = document.getElementById(link.getAttribute("href").slice(1));
    if (box && box.matches("input, textarea, select")) {
      e.preventDefault();
      box.focus();
      box.scrollIntoView({ block: "center" });
    }
  });

  // A button with data-confirm asks before its form is sent (e.g. disabling an account).
  document.addEventListener("submit", function (e) {
    var button = e.submitter;
    var question = button && button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });

  function init(root) {
    initEntry(root);
    drawCharts(root);
  }
  // On a phone the places scroll sideways: the current one is brought into the strip.
  function showCurrentPlace() {
    var current = document.querySelector('.who nav a[aria-current="page"]');
    if (!current) return;
    var strip = current.closest("nav");
    var over = current.getBoundingClientRect().right - strip.getBoundingClientRect().right;
    if (over > 0) strip.scrollLeft += over + 16;
  }
  // A unit found by name (the list under a unit box): its code goes into the box, which
  // then says the unit's name (htmx listens for the input event).
  document.addEventListener("click", function (e) {
    var pick = e.target.closest ? e.target.closest(".unit-pick") : null;
    if (!pick) return;
    var holder = pick.closest("[data-for]");
    var box = holder && document.getElementById(holder.getAttribute("data-for"));
    if (!box) return;
    box.value = pick.getAttribute("data-code");
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
  });
  document.addEventListener("DOMContentLoaded", function () { init(document); showCurrentPlace(); keepForOffline(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();

"use strict";
// Spyglass's built-in dashboard: one page, hash routes, JSON from /spyglass/api, refreshed every two seconds.
// Everything shown is set as text (never as HTML): log lines and attributes are the service's data.
(function () {
  const api = "/spyglass/api/";
  const refreshMilliseconds = 2000;
  const palette = ["#2f6fdf", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#1098ad", "#5c940d", "#c2255c", "#495057", "#f59f00"];
  const views = { overview, traces, trace, logs, health, genai, jobs, errors };
  let current = null;
  let timer = null;

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
      else if (name === "style") Object.assign(node.style, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    for (const child of children.flat(Infinity)) if (child) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  async function fetchJSON(path) {
    const response = await fetch(api + path, { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) { location.href = "/spyglass/login"; throw new Error("unauthorized"); }
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  function route() {
    const hash = location.hash.replace(/^#\/?/, "");
    const [path, query] = hash.split("?");
    const [name, argument] = (path || "overview").split("/");
    return { name: views[name] ? name : "overview", argument: argument ? decodeURIComponent(argument) : null, params: new URLSearchParams(query || "") };
  }

  function navigate(name, params, argument) {
    const query = params && params.toString();
    location.hash = "#/" + name + (argument ? "/" + encodeURIComponent(argument) : "") + (query ? "?" + query : "");
  }

  function show() {
    clearInterval(timer);
    const { name, argument, params } = route();
    for (const link of document.querySelectorAll("#nav a")) link.classList.toggle("active", link.dataset.view === name || (name === "trace" && link.dataset.view === "traces"));
    const main = document.getElementById("view");
    main.replaceChildren();
    main.dataset.view = name;
    current = views[name](main, params, argument);
    const tick = async () => {
      try {
        await current.refresh();
        setStatus("live", "live · " + new Date().toLocaleTimeString());
      } catch (error) {
        setStatus("error", error.message);
      }
    };
    tick();
    if (current.live !== false) timer = setInterval(tick, refreshMilliseconds);
  }

  function setStatus(state, text) {
    const status = document.getElementById("status");
    status.dataset.state = state;
    status.textContent = text;
  }

  // MARK: Formatting

  const time = (milliseconds) => new Date(milliseconds).toISOString().replace("T", " ").replace("Z", "");
  const clock = (milliseconds) => new Date(milliseconds).toLocaleTimeString([], { hour12: false });
  function duration(milliseconds) {
    if (milliseconds === null || milliseconds === undefined) return "";
    if (milliseconds < 1) return (milliseconds * 1000).toFixed(0) + " µs";
    if (milliseconds < 1000) return milliseconds.toFixed(milliseconds < 10 ? 2 : 1) + " ms";
    return (milliseconds / 1000).toFixed(2) + " s";
  }
  function number(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    const magnitude = Math.abs(value);
    if (digits !== undefined) return value.toFixed(digits);
    if (magnitude >= 100) return value.toFixed(0);
    if (magnitude >= 1) return value.toFixed(2);
    return value.toPrecision(2);
  }
  const traceLink = (id, text) => id ? el("a", { href: "#/trace/" + id, class: "trace-link", "data-trace-id": id }, text || id.slice(0, 12) + "…") : "";
  const empty = (text) => el("p", { class: "empty" }, text);

  function table(columns, rows, attributes) {
    return el("table", attributes || {},
      el("thead", {}, el("tr", {}, columns.map((column) => el("th", {}, column)))),
      el("tbody", {}, rows));
  }

  // MARK: Charts

  // A line chart of `series` ([{name, points: [[time, value]]}]), drawn as SVG. A null value is an interval
  // without one (no requests): the line breaks there instead of dropping to 0 or bridging the gap.
  function lineChart(title, series, format) {
    const width = 640, height = 200, left = 56, right = 12, top = 12, bottom = 24;
    const points = series.flatMap((one) => one.points).filter((point) => point[1] !== null);
    const figure = el("figure", { class: "chart", "data-chart": title, "data-series-count": series.length, "data-point-count": points.length });
    figure.append(el("figcaption", {}, title));
    if (points.length === 0) {
      figure.append(empty("No samples yet: values appear after the first two samples."));
      return figure;
    }
    const times = points.map((point) => point[0]);
    const values = points.map((point) => point[1]);
    const start = Math.min(...times), end = Math.max(...times, start + 1);
    const ceiling = Math.max(...values, 0) || 1;
    const x = (t) => left + ((t - start) / (end - start)) * (width - left - right);
    const y = (v) => top + (1 - v / ceiling) * (height - top - bottom);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
    for (const fraction of [0, 0.5, 1]) {
      const value = ceiling * fraction;
      chart.append(svg("line", { x1: left, x2: width - right, y1: y(value), y2: y(value), class: "grid" }));
      chart.append(svg("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", class: "axis" }, format(value)));
    }
    chart.append(svg("text", { x: left, y: height - 6, class: "axis" }, clock(start)));
    chart.append(svg("text", { x: width - right, y: height - 6, "text-anchor": "end", class: "axis" }, clock(end)));
    const legend = el("ul", { class: "legend" });
    series.forEach((one, index) => {
      const colour = palette[index % palette.length];
      const valued = one.points.filter((point) => point[1] !== null);
      const path = one.points.map((point, position) => point[1] === null ? ""
        : (position && one.points[position - 1][1] !== null ? "L" : "M") + x(point[0]).toFixed(1) + "," + y(point[1]).toFixed(1)).join(" ");
      chart.append(svg("path", { d: path, stroke: colour, class: "line", "data-series": one.name, "data-points": valued.length,
        "data-gaps": one.points.length - valued.length }));
      // A point with no neighbour draws no line: mark it.
      one.points.forEach((point, position) => {
        const alone = point[1] !== null && (position === 0 || one.points[position - 1][1] === null)
          && (position === one.points.length - 1 || one.points[position + 1][1] === null);
        if (alone) chart.append(svg("circle", { cx: x(point[0]), cy: y(point[1]), r: 3, fill: colour }));
      });
      legend.append(el("li", {}, el("span", { class: "swatch", style: { background: colour } }), one.name + " ", el("b", {}, format(latest(one)))));
    });
    figure.append(chart, legend);
    return figure;
  }

  const perSecond = (value) => number(value) + "/s";
  const percent = (value) => value === null ? "–" : number(value * 100, 1) + "%";
  const seconds = (value) => value === null ? "–" : duration(value * 1000);
  // The latest value a series has (an idle endpoint keeps its last measured one; null when it never had one).
  const latest = (series) => {
    const valued = series ? series.points.filter((point) => point[1] !== null) : [];
    return valued.length ? valued[valued.length - 1][1] : null;
  };
  const chartNamed = (body, name) => (body.charts.find((chart) => chart.name === name) || { series: [] }).series;

  // MARK: Views

  function overview(main, params) {
    const endpoint = el("select", { id: "latency-endpoint", onchange: () => { params.set("endpoint", endpoint.value); navigate("overview", params); } });
    const charts = el("div", { class: "charts" });
    const summary = el("div");
    main.append(el("h2", {}, "Overview"), charts, el("h3", {}, "Latency of ", endpoint), summary);
    return {
      async refresh() {
        const body = await fetchJSON("overview");
        const names = chartNamed(body, "http_requests_per_second").map((series) => series.name);
        const selected = params.get("endpoint") || "all";
        // Left alone while it is open: replacing its options would close it.
        if (document.activeElement !== endpoint) endpoint.replaceChildren(...names.map((name) => el("option", { value: name, selected: name === selected }, name)));
        const latency = ["p50", "p95", "p99"].map((quantile) => {
          const series = chartNamed(body, `http_latency_${quantile}_seconds`).find((one) => one.name === selected);
          return { name: quantile, points: series ? series.points : [] };
        });
        charts.replaceChildren(
          lineChart("Requests per second", chartNamed(body, "http_requests_per_second"), perSecond),
          lineChart("Error ratio (5xx)", chartNamed(body, "http_error_ratio"), percent),
          lineChart(`Latency ${selected}`, latency, seconds));
        const find = (chart, name) => latest(chartNamed(body, chart).find((one) => one.name === name));
        summary.replaceChildren(names.length === 0 ? empty("No requests yet.") : table(
          ["Endpoint", "Requests/s", "Errors", "p50", "p95", "p99"],
          names.map((name) => el("tr", { "data-endpoint": name },
            el("td", {}, name === "all" ? name : el("a", { href: "#/traces?endpoint=" + encodeURIComponent(name) }, name)),
            el("td", {}, perSecond(find("http_requests_per_second", name))),
            el("td", {}, percent(find("http_error_ratio", name))),
            ...["p50", "p95", "p99"].map((quantile) => el("td", {}, seconds(find(`http_latency_${quantile}_seconds`, name))))))));
      },
    };
  }

  function filterForm(params, fields, onApply) {
    const form = el("form", { class: "filters", onsubmit: (event) => { event.preventDefault(); onApply(new URLSearchParams(new FormData(form))); } });
    for (const field of fields) {
      const value = params.get(field.name) || "";
      const input = field.options
        ? el("select", { name: field.name }, field.options.map((option) => el("option", { value: option, selected: option === value }, option || "any")))
        : el("input", { name: field.name, value, placeholder: field.placeholder || "", size: field.size || 14 });
      form.append(el("label", {}, field.label + " ", input));
    }
    form.append(el("button", { type: "submit" }, "Apply"));
    return form;
  }

  function compact(params) {
    const result = new URLSearchParams();
    for (const [key, value] of params) if (value) result.set(key, value);
    return result;
  }

  function traces(main, params) {
    const list = el("div");
    let endpoints = [];
    const controls = el("div");
    main.append(el("h2", {}, "Traces"), controls, list);
    const drawForm = () => controls.replaceChildren(filterForm(params, [
      { name: "endpoint", label: "Endpoint", options: [""].concat(endpoints) },
      { name: "status", label: "Status", options: ["", "ok", "error"] },
      { name: "min_ms", label: "Min ms", size: 6 },
      { name: "max_ms", label: "Max ms", size: 6 },
      { name: "sort", label: "Order", options: ["recent", "slowest"] },
    ], (next) => navigate("traces", compact(next))));
    drawForm();
    return {
      async refresh() {
        const body = await fetchJSON("traces?" + params.toString());
        if (body.endpoints.join() !== endpoints.join()) { endpoints = body.endpoints; if (!controls.contains(document.activeElement)) drawForm(); }
        list.replaceChildren(el("p", { class: "meta" }, `${body.matched} traces match; showing ${body.traces.length}.`),
          body.traces.length === 0 ? empty("No traces match.") : table(["Started", "Trace", "Root span", "Spans", "Status", "Duration"],
            body.traces.map((one) => el("tr", { class: one.is_error ? "error" : "", "data-trace-id": one.trace_id },
              el("td", {}, time(one.start_time)), el("td", {}, traceLink(one.trace_id)), el("td", {}, one.name),
              el("td", {}, one.span_count), el("td", {}, one.is_error ? "error" : "ok", one.status_code ? ` (${one.status_code})` : ""),
              el("td", { class: "number" }, duration(one.duration_ms)))), { id: "trace-list" }));
      },
    };
  }

  function attributesList(attributes) {
    const entries = Object.entries(attributes || {}).sort(([a], [b]) => a.localeCompare(b));
    return el("dl", { class: "attributes" }, entries.map(([key, value]) => [el("dt", {}, key), el("dd", {}, typeof value === "string" ? value : JSON.stringify(value))]));
  }

  function trace(main, params, id) {
    const body = el("div", { id: "waterfall" });
    main.append(el("h2", {}, "Trace ", el("code", {}, id || "")), el("p", {}, el("a", { href: "#/logs?trace_id=" + encodeURIComponent(id || "") }, "Logs of this trace")), body);
    return {
      live: false,
      async refresh() {
        const trace = await fetchJSON("traces/" + encodeURIComponent(id || ""));
        const total = Math.max(trace.duration_ms, 0.001);
        body.replaceChildren(el("p", { class: "meta" }, `${trace.spans.length} spans · ${duration(trace.duration_ms)} · started ${time(trace.start_time)}`),
          ...trace.spans.map((span) => el("details", {
            class: "span-row" + (span.status === "error" ? " error" : ""), "data-span-id": span.span_id, "data-parent-span-id": span.parent_span_id || "",
            "data-depth": span.depth, "data-name": span.name,
          },
          el("summary", {},
            el("span", { class: "span-name", style: { paddingLeft: span.depth * 18 + "px" } }, span.name),
            el("span", { class: "span-bar-track" }, el("span", { class: "span-bar", style: { left: (span.offset_ms / total) * 100 + "%", width: Math.max((span.duration_ms / total) * 100, 0.4) + "%" } })),
            el("span", { class: "number" }, duration(span.duration_ms))),
          el("div", { class: "span-details" },
            el("p", {}, `${span.kind} · status ${span.status}${span.status_message ? ": " + span.status_message : ""} · starts at +${duration(span.offset_ms)}`),
            attributesList(span.attributes),
            span.events.length ? el("h4", {}, "Events") : null,
            span.events.map((event) => el("div", { class: "event" }, el("b", {}, event.name), ` at +${duration(event.offset_ms)}`, attributesList(event.attributes))),
            span.links.length ? el("h4", {}, "Links") : null,
            span.links.map((link) => el("div", {}, traceLink(link.trace_id, "linked trace " + link.trace_id)))))));
      },
    };
  }

  function logs(main, params) {
    const rows = el("tbody");
    let after = 0;
    const levels = ["", "trace", "debug", "info", "notice", "warning", "error", "critical"];
    main.append(el("h2", {}, "Logs"),
      filterForm(params, [
        { name: "level", label: "Level ≥", options: levels },
        { name: "text", label: "Text", size: 18 },
        { name: "trace_id", label: "Trace id", size: 34 },
        { name: "request_id", label: "Request id", size: 20 },
      ], (next) => navigate("logs", compact(next))),
      el("table", { id: "log-lines" }, el("thead", {}, el("tr", {}, ["Time", "Level", "Logger", "Message", "Fields", "Trace", "Request"].map((name) => el("th", {}, name)))), rows));
    const shown = ["timestamp", "level", "logger", "message", "trace_id", "request_id", "service", "environment", "version", "span_id"];
    return {
      async refresh() {
        const query = new URLSearchParams(params);
        query.set("after", after);
        const body = await fetchJSON("logs?" + query.toString());
        if (!body.enabled) { rows.replaceChildren(el("tr", {}, el("td", { colspan: 7 }, "The log store is off (SPYGLASS_STORE_LOG_LINES=0)."))); return; }
        after = Math.max(after, body.next_sequence - 1);
        for (const { sequence, record } of body.lines) {
          const fields = Object.entries(record).filter(([key]) => !shown.includes(key)).map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`).join(" ");
          rows.prepend(el("tr", { class: "log-line level-" + record.level, "data-sequence": sequence, "data-trace-id": record.trace_id || "", "data-request-id": record.request_id || "" },
            el("td", {}, String(record.timestamp || "").replace("T", " ").replace("Z", "")),
            el("td", {}, el("span", { class: "level" }, record.level)),
            el("td", {}, record.logger),
            el("td", {}, record.message),
            el("td", { class: "fields" }, fields),
            el("td", {}, traceLink(record.trace_id)),
            el("td", {}, record.request_id ? el("a", { href: "#/logs?request_id=" + encodeURIComponent(record.request_id) }, record.request_id) : "")));
        }
        while (rows.children.length > 1000) rows.lastElementChild.remove();
      },
    };
  }

  function health(main) {
    const body = el("div");
    main.append(el("h2", {}, "Health"), body);
    return {
      async refresh() {
        const report = await fetchJSON("health");
        body.replaceChildren(el("p", { class: "meta" }, el("span", { class: "badge status-" + report.status, id: "health-status" }, report.status), ` · up ${duration(report.uptime_seconds * 1000)}`),
          report.checks.length === 0 ? empty("No health checks registered.") : table(["Check", "Status", "Critical", "Took", "Message", "Last change"],
            report.checks.map((check) => el("tr", { "data-check": check.name, class: "status-" + check.status },
              el("td", {}, check.name), el("td", {}, el("span", { class: "badge status-" + check.status }, check.status)),
              el("td", {}, check.critical ? "yes" : "no"), el("td", { class: "number" }, duration(check.duration_ms)),
              el("td", {}, check.message || ""), el("td", {}, check.last_change ? time(check.last_change) : "")))));
      },
    };
  }

  function genai(main) {
    const charts = el("div", { class: "charts" });
    const calls = el("div");
    main.append(el("h2", {}, "GenAI"), charts, el("h3", {}, "Recent LLM calls"), calls);
    return {
      async refresh() {
        const body = await fetchJSON("genai");
        charts.replaceChildren(
          lineChart("Tokens per second by model", chartNamed(body, "llm_tokens_per_second"), perSecond),
          lineChart("Cost by model (USD per hour)", chartNamed(body, "llm_cost_usd_per_hour"), (value) => "$" + number(value)));
        calls.replaceChildren(body.calls.length === 0 ? empty("No LLM calls in the span store.") : table(
          ["Started", "Call", "Provider", "Duration", "First token", "Tokens in/out", "Cost", "Error", "Trace"],
          body.calls.map((call) => el("tr", { class: "llm-call" + (call.error_type ? " error" : "") },
            el("td", {}, time(call.start_time)), el("td", {}, call.name), el("td", {}, call.provider || ""),
            el("td", { class: "number" }, duration(call.duration_ms)), el("td", { class: "number" }, duration(call.time_to_first_token_ms)),
            el("td", { class: "number" }, `${call.input_tokens ?? "–"} / ${call.output_tokens ?? "–"}`),
            el("td", { class: "number" }, call.cost_usd === null || call.cost_usd === undefined ? "" : "$" + call.cost_usd.toFixed(6)),
            el("td", {}, call.error_type || ""), el("td", {}, traceLink(call.trace_id)))), { id: "llm-calls" }));
      },
    };
  }

  function jobs(main) {
    const running = el("div"), ended = el("div");
    main.append(el("h2", {}, "Jobs"), el("h3", {}, "Running"), running, el("h3", {}, "Recent"), ended);
    const rows = (list) => list.map((job) => el("tr", { class: "job status-" + job.status, "data-job-id": job.id },
      el("td", {}, job.id), el("td", {}, job.type), el("td", {}, job.status), el("td", {}, time(job.start_time)),
      el("td", { class: "number" }, duration(job.duration_ms)), el("td", { class: "number" }, job.progress === null || job.progress === undefined ? "" : percent(job.progress)),
      el("td", {}, job.error_type || ""), el("td", {}, traceLink(job.trace_id))));
    const columns = ["Job", "Type", "Status", "Started", "Duration", "Progress", "Error", "Trace"];
    return {
      async refresh() {
        const body = await fetchJSON("jobs");
        running.replaceChildren(body.running.length ? table(columns, rows(body.running), { id: "jobs-running" }) : empty("No job is running."));
        ended.replaceChildren(body.ended.length ? table(columns, rows(body.ended), { id: "jobs-ended" }) : empty("No job has ended yet."));
      },
    };
  }

  function errors(main) {
    const body = el("div");
    main.append(el("h2", {}, "Errors"), el("p", { class: "meta" }, "Lines logged at error level and above, grouped by error type and where they happened."), body);
    return {
      async refresh() {
        const { groups } = await fetchJSON("errors");
        body.replaceChildren(groups.length === 0 ? empty("No errors.") : table(["Type", "Source", "Count", "First seen", "Last seen", "Latest message", "Sample trace"],
          groups.map((group) => el("tr", { class: "error-group", "data-type": group.type, "data-source": group.source },
            el("td", {}, group.type), el("td", {}, el("code", {}, group.source)), el("td", { class: "number" }, group.count),
            el("td", {}, time(group.first_seen)), el("td", {}, time(group.last_seen)), el("td", {}, group.message),
            el("td", {}, traceLink(group.sample_trace_id)))), { id: "error-groups" }));
      },
    };
  }

  window.addEventListener("hashchange", show);
  show();
  fetchJSON("overview?minutes=1").then((body) => {
    document.getElementById("service").textContent = `${body.service} ${body.version} · ${body.environment}`;
  }, () => {});
})();

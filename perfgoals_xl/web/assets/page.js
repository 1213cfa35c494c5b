// The report and diff pages, drawn from the JSON blob in #pg-data. Every text of a workbook goes in through
// textContent (never as markup); rows are built on demand, a page of PAGE_SIZE at a time.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("pg-data").textContent);
  const PAGE_SIZE = 100;
  const TOP_BARS = 12;
  const SEVERITY = { error: "错误", warning: "警告", info: "提示" };
  const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
  const RULES = new Map(DATA.catalog.map((rule) => [rule.id, rule]));
  const app = document.getElementById("app");

  // ── small DOM helpers ────────────────────────────────────────────────────────────────────────────────
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  const number = (n) => Number(n || 0).toLocaleString("zh-CN");
  const badge = (severity) => el("span", { class: "badge " + severity }, SEVERITY[severity] || severity);
  function ruleLink(id) {
    const rule = RULES.get(id);
    return el("a", { class: "rule", href: "#rule-" + id, title: rule ? rule.title : null }, id);
  }
  function card(label, value, tone, key) {
    return el("div", { class: "card " + (tone || "") },
      el("div", { class: "label" }, label),
      el("div", { class: "value", "data-count": key }, number(value)));
  }
  function header(title) {
    const meta = el("div", { class: "meta" }, (DATA.meta || []).map((line) => el("span", null, line)));
    return el("header", { class: "top" }, el("h1", null, title), meta);
  }
  function findingsTable(findings, withFile) {
    const head = el("tr", null, withFile ? el("th", null, "文件") : null, el("th", null, "严重程度"),
      el("th", null, "工作表"), el("th", null, "单元格"), el("th", null, "规则"), el("th", null, "说明"));
    const rows = findings.map((f) => el("tr", { class: "finding " + f.severity },
      withFile ? el("td", null, f.file || "") : null, el("td", null, badge(f.severity)),
      el("td", null, f.sheet), el("td", { class: "cell" }, f.cell), el("td", null, ruleLink(f.rule)),
      el("td", null, f.message)));
    return el("table", { class: "findings" }, el("thead", null, head), el("tbody", null, rows));
  }
  function bySeverity(a, b) {
    return (SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]) || (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : 0) || a.row - b.row;
  }

  // ── bar charts (SVG drawn here; no library) ──────────────────────────────────────────────────────────
  function barChart(items, parts, onPick) {
    // items: [{label, values: {part: n}, title}] sorted; parts: [[key, colour, name]]
    if (!items.length) return el("div", { class: "empty" }, "无数据");
    const width = 620, labelWidth = 230, valueWidth = 48, rowHeight = 24;
    const max = Math.max(1, ...items.map((item) => parts.reduce((sum, [key]) => sum + (item.values[key] || 0), 0)));
    const scale = (width - labelWidth - valueWidth) / max;
    const height = items.length * rowHeight + 4;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    items.forEach((item, index) => {
      const y = index * rowHeight + 2;
      const total = parts.reduce((sum, [key]) => sum + (item.values[key] || 0), 0);
      const label = item.label.length > 17 ? item.label.slice(0, 16) + "…" : item.label;
      const group = svg("g", { class: "bar", tabindex: 0, "data-label": item.key },
        svg("title", null, `${item.title || item.label}：${parts.map(([key, , name]) => `${name} ${item.values[key] || 0}`).join("，")}`),
        svg("rect", { class: "hit", x: 0, y, width, height: rowHeight - 2, fill: "transparent" }),
        svg("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end" }, label));
      let x = labelWidth;
      for (const [key, colour] of parts) {
        const w = (item.values[key] || 0) * scale;
        if (w > 0) group.append(svg("rect", { x, y: y + 4, width: Math.max(w, 1), height: rowHeight - 10, rx: 2, fill: colour }));
        x += w;
      }
      group.append(svg("text", { x: x + 6, y: y + 16 }, number(total)));
      group.addEventListener("click", () => onPick(item.key));
      group.addEventListener("keydown", (event) => { if (event.key === "Enter") onPick(item.key); });
      root.append(group);
    });
    return el("div", { class: "chart" }, root);
  }
  function legend(parts) {
    return el("div", { class: "legend" }, parts.map(([, colour, name]) =>
      el("span", null, el("i", { style: `background:${colour}` }), name)));
  }
  const ERROR_COLOUR = "#d0453a", WARNING_COLOUR = "#e3a23b";

  // ── the embedded rule catalog ────────────────────────────────────────────────────────────────────────
  function catalogSection() {
    const families = new Map();
    for (const rule of DATA.catalog) {
      if (!families.has(rule.family_title)) families.set(rule.family_title, []);
      families.get(rule.family_title).push(rule);
    }
    const section = el("section", { class: "catalog panel", id: "catalog" },
      el("h2", null, "规则目录"),
      el("p", { class: "note" }, `共 ${DATA.catalog.length} 条规则，按类别展开；点击报告中的规则编号可直接跳到该规则的说明。`));
    for (const [family, rules] of families) {
      section.append(el("details", { class: "family" }, el("summary", null, `${family}（${rules.length} 条）`), rules.map((rule) =>
        el("article", { id: "rule-" + rule.id },
          el("h4", null, el("span", { class: "rule" }, rule.id), " ", rule.title, " ", badge(rule.severity)),
          el("dl", null,
            rule.summary ? [el("dt", null, "说明"), el("dd", null, rule.summary)] : null,
            rule.reason ? [el("dt", null, "原因"), el("dd", null, rule.reason)] : null,
            rule.bad ? [el("dt", null, "错误示例"), el("dd", null, rule.bad)] : null,
            rule.good ? [el("dt", null, "正确示例"), el("dd", null, rule.good)] : null,
            rule.source ? [el("dt", null, "出处"), el("dd", null, rule.source)] : null)))));
    }
    return section;
  }

  // ── the batch report ─────────────────────────────────────────────────────────────────────────────────
  const STATUS = {
    unreadable: ["无法读取", "bad", 0], no_table: ["未找到表", "bad", 1], error: ["有错误", "error", 2],
    warning: ["有警告", "warning", 3], clean: ["通过", "ok", 4],
  };
  function fileRow(file, index) {
    const count = (severity) => file.findings.reduce((n, f) => n + (f.severity === severity), 0);
    const errors = count("error"), warnings = count("warning"), infos = count("info");
    const status = file.error ? (file.error.code === "no_table" ? "no_table" : "unreadable")
      : errors ? "error" : warnings ? "warning" : "clean";
    const rules = new Set(file.findings.map((f) => f.rule));
    const name = file.path.split(/[\\/]/).pop();
    return { index, file, name, unit: file.unit || "", tables: file.tables.length, errors, warnings, infos, status, rules,
      fixed: file.previous ? file.previous.fixed.length : null, haystack: null };
  }
  function haystack(row) {
    if (row.haystack === null) {
      const parts = [row.file.path, row.unit, ...row.file.tables.map((t) => t.name || ""),
        ...row.file.findings.map((f) => f.message), row.file.error ? row.file.error.message : ""];
      row.haystack = parts.join("\n").toLowerCase();
    }
    return row.haystack;
  }

  function renderReport() {
    const report = DATA.report, summary = report.summary;
    const rows = report.files.map(fileRow);
    const hasPrevious = rows.some((row) => row.fixed !== null);
    const state = { search: "", severity: "", rule: "", unit: "", sort: "status", ascending: true, page: 0, open: new Set(), all: false };

    document.title = DATA.title;
    app.append(header(DATA.title));
    const main = el("main");
    app.append(main);
    const fixedTotal = rows.reduce((n, row) => n + (row.fixed || 0), 0);
    main.append(el("section", { class: "cards", "aria-label": "汇总" },
      card("文件", summary.files, "", "files"), card("绩效目标表", summary.tables, "", "tables"),
      card("错误", summary.errors, "error", "errors"), card("警告", summary.warnings, "warning", "warnings"),
      card("提示", summary.infos, "muted", "infos"), card("无法读取", summary.unreadable, "muted", "unreadable"),
      hasPrevious ? card("较上次已修复", fixedTotal, "ok", "fixed") : null));

    // charts: error+warning findings per rule, errors per unit
    const perRule = new Map(), perUnit = new Map();
    for (const row of rows) {
      for (const f of row.file.findings) {
        if (f.severity === "info") continue;
        const entry = perRule.get(f.rule) || { key: f.rule, label: f.rule, values: { error: 0, warning: 0 } };
        entry.values[f.severity] += 1;
        perRule.set(f.rule, entry);
      }
      const unit = row.unit || "（未注明单位）";
      const entry = perUnit.get(unit) || { key: row.unit, label: unit, values: { error: 0 } };
      entry.values.error += row.errors;
      perUnit.set(unit, entry);
    }
    const ruleItems = [...perRule.values()].sort((a, b) => (b.values.error + b.values.warning) - (a.values.error + a.values.warning) || a.key.localeCompare(b.key)).slice(0, TOP_BARS);
    ruleItems.forEach((item) => { const rule = RULES.get(item.key); item.label = rule ? `${item.key} ${rule.title}` : item.key; item.title = item.label; });
    const unitItems = [...perUnit.values()].filter((item) => item.values.error > 0).sort((a, b) => b.values.error - a.values.error || a.label.localeCompare(b.label)).slice(0, TOP_BARS);
    const ruleParts = [["error", ERROR_COLOUR, "错误"], ["warning", WARNING_COLOUR, "警告"]];
    main.append(el("section", { class: "charts" },
      el("figure", { class: "panel", "data-chart": "rules" },
        el("figcaption", null, "各规则的错误和警告", el("span", { class: "hint" }, `前 ${TOP_BARS} 条 · 点击筛选`)),
        barChart(ruleItems, ruleParts, (key) => setFilter("rule", key)), legend(ruleParts)),
      el("figure", { class: "panel", "data-chart": "units" },
        el("figcaption", null, "各单位的错误数", el("span", { class: "hint" }, `前 ${TOP_BARS} 个 · 点击筛选`)),
        unitItems.length ? barChart(unitItems, [["error", ERROR_COLOUR, "错误"]], (key) => setFilter("unit", key))
          : el("div", { class: "chart empty" }, "没有单位出现错误。"))));

    // toolbar
    const search = el("input", { type: "search", placeholder: "搜索单位、文件、项目名称或问题说明", "aria-label": "搜索" });
    const severity = el("select", { "aria-label": "按严重程度筛选", name: "severity" },
      [["", "全部文件"], ["error", "有错误"], ["warning", "有警告"], ["info", "有提示"], ["clean", "无错误和警告"], ["unreadable", "无法读取或未找到表"]]
        .map(([value, text]) => el("option", { value }, text)));
    const ruleCounts = new Map();
    for (const row of rows) for (const rule of row.rules) ruleCounts.set(rule, (ruleCounts.get(rule) || 0) + 1);
    const ruleSelect = el("select", { "aria-label": "按规则筛选", name: "rule" }, el("option", { value: "" }, "全部规则"),
      [...ruleCounts.keys()].sort().map((id) => el("option", { value: id }, `${id} ${RULES.has(id) ? RULES.get(id).title : ""}（${ruleCounts.get(id)} 个文件）`)));
    const units = [...new Set(rows.map((row) => row.unit))].sort((a, b) => a.localeCompare(b, "zh-CN"));
    const unitSelect = el("select", { "aria-label": "按单位筛选", name: "unit" }, el("option", { value: "" }, "全部单位"),
      units.map((unit) => el("option", { value: unit }, unit || "（未注明单位）")));
    const shown = el("span", { class: "shown", "data-shown": "" });
    const reset = el("button", { type: "button", onclick: () => { state.search = search.value = ""; setFilter("severity", ""); setFilter("rule", ""); setFilter("unit", ""); } }, "清除筛选");
    let timer = null;
    search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { state.search = search.value.trim().toLowerCase(); state.page = 0; draw(); }, 120); });
    severity.addEventListener("change", () => setFilter("severity", severity.value));
    ruleSelect.addEventListener("change", () => setFilter("rule", ruleSelect.value));
    unitSelect.addEventListener("change", () => setFilter("unit", unitSelect.value));
    function setFilter(name, value) {
      state[name] = value;
      ({ severity, rule: ruleSelect, unit: unitSelect })[name].value = value;
      state.page = 0;
      draw();
      if (value && name !== "severity") tableSection.scrollIntoView({ block: "start" });
    }

    // the file table
    const columns = [
      ["unit", "填报单位", ""], ["name", "文件", ""], ["tables", "表数", "num"], ["errors", "错误", "num"],
      ["warnings", "警告", "num"], ["status", "状态", ""], ...(hasPrevious ? [["fixed", "较上次已修复", "num"]] : []),
    ];
    const headRow = el("tr", null, columns.map(([key, title, cls]) => el("th", { class: cls, "aria-sort": "none", "data-key": key, scope: "col" },
      el("button", { type: "button", onclick: () => { state.ascending = state.sort === key ? !state.ascending : key === "unit" || key === "name" || key === "status"; state.sort = key; draw(); } }, title))));
    const body = el("tbody");
    const pager = el("nav", { class: "pager", "aria-label": "分页" });
    const tableSection = el("section", { class: "panel files" }, el("h2", null, "各文件校验结果"),
      el("div", { class: "toolbar" }, search, severity, ruleSelect, unitSelect, reset, shown),
      el("table", { class: "grid", id: "files" }, el("thead", null, headRow), body), pager);
    main.append(tableSection, catalogSection(), el("footer", null, DATA.footer));

    function matches(row) {
      if (state.unit && row.unit !== state.unit) return false;
      if (state.rule && !row.rules.has(state.rule)) return false;
      const s = state.severity;
      if (s === "error" && !row.errors) return false;
      if (s === "warning" && !row.warnings) return false;
      if (s === "info" && !row.infos) return false;
      if (s === "clean" && (row.errors || row.warnings || row.file.error)) return false;
      if (s === "unreadable" && !row.file.error) return false;
      return !state.search || haystack(row).includes(state.search);
    }
    function compare(a, b) {
      const key = state.sort;
      let result;
      if (key === "status") result = STATUS[a.status][2] - STATUS[b.status][2] || b.errors - a.errors || b.warnings - a.warnings;
      else if (key === "unit" || key === "name") result = a[key].localeCompare(b[key], "zh-CN");
      else result = (a[key] || 0) - (b[key] || 0);
      return (state.ascending ? result : -result) || a.index - b.index;
    }
    function shownFindings(row) {
      return row.file.findings.filter((f) => (!state.rule || f.rule === state.rule)
        && (!["error", "warning", "info"].includes(state.severity) || f.severity === state.severity)).sort(bySeverity);
    }
    function detail(row) {
      const file = row.file, parts = [];
      if (file.error) parts.push(el("p", { class: "note" }, file.error.message));
      if (file.annotated) parts.push(el("p", null, "标注副本：", el("a", { href: file.annotated, class: "annotated" }, decodeURIComponent(file.annotated))));
      if (file.tables.length) {
        parts.push(el("h3", null, `绩效目标表（${file.tables.length} 张）`), el("ul", { class: "tables" }, file.tables.map((t) =>
          el("li", null, `${t.kind === "department" ? "部门整体支出" : "项目支出"}「${t.name || "未填名称"}」 ${t.sheet}!${t.range}`,
            t.budget === null ? "" : `，预算 ${t.budget}${t.amount_unit ? " " + t.amount_unit : ""}`, `，三级指标 ${t.indicators.length} 条`))));
      }
      if (file.previous) {
        const p = file.previous;
        parts.push(el("h3", null, `与上次报送（${p.path}）相比：已修复 ${p.fixed.length} 条，新出现 ${p.new} 条，仍存在 ${p.remaining} 条`));
        if (p.fixed.length) parts.push(findingsTable([...p.fixed].sort(bySeverity), false));
      }
      const findings = shownFindings(row);
      if (!file.error) {
        const filtered = findings.length !== file.findings.length ? `（按筛选显示 ${findings.length} / ${file.findings.length} 条）` : "";
        parts.push(el("h3", null, `问题 ${file.findings.length} 条${filtered}`));
        parts.push(findings.length ? findingsTable(findings, false) : el("p", { class: "note" }, "未发现问题。"));
      }
      return el("tr", { class: "detail" }, el("td", { colspan: columns.length }, el("div", { class: "detail" }, parts)));
    }
    function rowNode(row) {
      const [statusText, tone] = STATUS[row.status];
      const open = state.open.has(row.index);
      const toggle = () => { if (state.open.has(row.index)) state.open.delete(row.index); else state.open.add(row.index); draw(); };
      const tr = el("tr", { class: "file" + (open ? " open" : ""), tabindex: 0, "aria-expanded": open ? "true" : "false", "data-index": row.index,
        onclick: (event) => { if (!event.target.closest("a")) toggle(); }, onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(); } } },
        el("td", null, row.unit || "（未注明单位）"),
        el("td", { class: "path" }, row.name, row.name !== row.file.path ? el("small", null, row.file.path) : null),
        el("td", { class: "num" }, row.tables), el("td", { class: "num" }, row.errors), el("td", { class: "num" }, row.warnings),
        el("td", null, el("span", { class: "badge " + tone }, statusText)),
        hasPrevious ? el("td", { class: "num" }, row.fixed === null ? "—" : row.fixed) : null);
      return open ? [tr, detail(row)] : [tr];
    }
    function draw() {
      const filtered = rows.filter(matches).sort(compare);
      const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages - 1);
      const visible = state.all ? filtered : filtered.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
      body.replaceChildren(...(visible.length ? visible.flatMap(rowNode)
        : [el("tr", { class: "empty-row" }, el("td", { colspan: columns.length }, "没有符合条件的文件。"))]));
      for (const th of headRow.children) th.setAttribute("aria-sort", th.dataset.key === state.sort ? (state.ascending ? "ascending" : "descending") : "none");
      shown.textContent = `显示 ${number(filtered.length)} / 共 ${number(rows.length)} 个文件`;
      shown.dataset.shown = String(filtered.length);
      pager.replaceChildren(...(pages > 1 && !state.all ? [
        el("button", { type: "button", disabled: state.page === 0, onclick: () => { state.page -= 1; draw(); } }, "上一页"),
        el("span", null, `第 ${state.page + 1} / ${pages} 页`),
        el("button", { type: "button", disabled: state.page >= pages - 1, onclick: () => { state.page += 1; draw(); } }, "下一页")] : []));
    }
    // printing shows every file that passes the filters, not one page
    window.addEventListener("beforeprint", () => { state.all = true; draw(); });
    window.addEventListener("afterprint", () => { state.all = false; draw(); });
    draw();
  }

  // ── the diff of two submissions ──────────────────────────────────────────────────────────────────────
  const TABLE_STATUS = { matched: ["已对应", "ok"], added: ["新增", "warning"], removed: ["已删除", "error"] };
  function shownValue(value, field) {
    if (value === null || value === undefined) return "（无）";
    if (field === "identity" || field === "indicator") return String(value);
    return typeof value === "number" ? String(value) : `“${value}”`;
  }
  function renderDiff() {
    const diff = DATA.diff, total = diff.summary;
    document.title = DATA.title;
    app.append(header(DATA.title));
    const main = el("main");
    app.append(main);
    main.append(el("section", { class: "cards", "aria-label": "汇总" },
      card("已对应的表", total.matched, "", "matched"), card("新增的表", total.added, "muted", "added"),
      card("删除的表", total.removed, "muted", "removed"), card("改动", total.changes, "", "changes"),
      card("已修复的问题", total.fixed, "ok", "fixed"), card("新出现的问题", total.new, "error", "new"),
      card("仍存在的问题", total.remaining, "warning", "remaining")));
    if (diff.errors.length) {
      main.append(el("section", { class: "panel" }, el("h2", null, "无法读取的文件"),
        el("ul", null, diff.errors.map((e) => el("li", null, e.message)))));
    }
    const tables = el("section", { class: "panel", id: "tables" }, el("h2", null, "各表的改动"));
    for (const t of diff.tables) {
      const [statusText, tone] = TABLE_STATUS[t.status];
      const kind = t.kind === "department" ? "部门整体支出绩效目标表" : "项目支出绩效目标表";
      const where = [t.old_file && t.old_sheet ? `原：${t.old_file} ${t.old_sheet}!${t.old_range}` : null,
        t.new_file && t.new_sheet ? `现：${t.new_file} ${t.new_sheet}!${t.new_range}` : null].filter(Boolean).join("　");
      const box = el("div", { class: "tablecard", "data-status": t.status },
        el("h3", null, `${kind}「${t.name || "未填名称"}」 `, el("span", { class: "badge " + tone }, statusText), el("span", { class: "where" }, where)));
      if (t.changes.length) {
        box.append(el("table", { class: "grid changes" },
          el("thead", null, el("tr", null, el("th", null, "改动"), el("th", null, "原"), el("th", null, "现"), el("th", null, "单元格（原 → 现）"))),
          el("tbody", null, t.changes.map((c) => el("tr", { "data-field": c.field }, el("td", null, c.label),
            el("td", { class: "change-old" }, c.old === null ? "" : shownValue(c.old, c.field)),
            el("td", { class: "change-new" }, c.new === null ? "" : shownValue(c.new, c.field)),
            el("td", { class: "cell" }, `${c.old_cell || "—"} → ${c.new_cell || "—"}`))))));
      } else if (t.status === "matched") {
        box.append(el("p", { class: "note" }, "内容无变化。"));
      }
      tables.append(box);
    }
    if (!diff.tables.length) tables.append(el("p", { class: "note" }, "两边都没有找到绩效目标表。"));
    main.append(tables);
    for (const [key, title] of [["fixed", "已修复的问题"], ["new", "新出现的问题"], ["remaining", "仍存在的问题"]]) {
      const findings = diff.findings[key];
      main.append(el("section", { class: "panel", id: "findings-" + key }, el("h2", null, `${title}（${findings.length} 条）`),
        findings.length ? findingsTable([...findings].sort(bySeverity), DATA.many_files) : el("p", { class: "note" }, "无。")));
    }
    main.append(catalogSection(), el("footer", null, DATA.footer));
  }

  if (DATA.kind === "diff") renderDiff(); else renderReport();
  // a rule link opens its family in the catalog and shows the rule
  function showTarget() {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    const family = target.closest("details");
    if (family) family.open = true;
    target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", showTarget);
  showTarget();
})();

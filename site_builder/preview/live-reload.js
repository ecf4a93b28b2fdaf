// site-builder preview: reload on a new build, show content problems as an overlay.
(() => {
  const version = document.currentScript.dataset.version;
  const OVERLAY = "__OVERLAY_ID__";
  function show(problems) {
    const failed = problems.some((p) => p.severity === "error");
    let box = document.getElementById(OVERLAY);
    if (!problems.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("section");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      Object.assign(box.style, {
        position: "fixed", inset: "0 0 auto 0", maxHeight: "60vh", overflow: "auto",
        zIndex: "2147483647", margin: "0", padding: "1em 1.5em",
        font: "14px/1.5 monospace", boxShadow: "0 4px 16px rgba(0,0,0,.3)",
      });
      document.body.append(box);
    }
    Object.assign(box.style, failed
      ? { background: "#fff1f0", color: "#5c0000", borderBottom: "4px solid #c00" }
      : { background: "#fffbe6", color: "#4d3800", borderBottom: "4px solid #b08800" });
    box.dataset.severity = failed ? "error" : "warning";
    const title = document.createElement("p");
    title.style.fontWeight = "bold";
    const n = problems.length;
    title.textContent = failed
      ? n + (n > 1 ? " problems" : " problem") +
        " in the content: the last good pages stay served until it is fixed."
      : n + (n > 1 ? " warnings" : " warning") +
        " about the content (the pages are up to date; a publishing build prints them too).";
    const list = document.createElement("ul");
    for (const p of problems) {
      const item = document.createElement("li");
      const where = document.createElement("strong");
      where.className = "where";
      where.textContent = p.line ? `${p.file}:${p.line}` : p.file;
      const level = document.createElement("span");
      level.className = "severity";
      level.textContent = ` ${p.severity}:`;
      const what = document.createElement("span");
      what.className = "message";
      what.textContent = (p.field ? ` [${p.field}] ` : " ") + p.message;
      item.append(where, level, what);
      list.append(item);
    }
    box.replaceChildren(title, list);
  }
  const events = new EventSource("__EVENTS_PATH__");
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (state.version !== version) {
      events.close();
      location.reload();
      return;
    }
    show(state.problems);
  });
})();

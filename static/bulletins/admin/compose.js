/* The compose screen's outline: drag by the grip, move buttons, typed positions, add rows,
   a warning before leaving unsaved changes, and Ctrl/Cmd+S to save and keep editing.
   Without this script the screen still works: positions are typed and rows added in the
   blank line at the end of each list. */
(function () {
  "use strict";
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  function start() {
    var form = document.getElementById("issue_form");
    var compose = document.getElementById("compose");
    if (!form || !compose) { return; }
    compose.classList.add("compose-on");

    // A refused save (errors, or someone else's save in between) comes back with the editor's
    // edits only on screen: leaving would lose them, so the page starts unsaved.
    var dirty = Boolean(document.getElementById("error-summary") || document.getElementById("conflict"));
    var submitting = false;
    var status = document.getElementById("compose-status");
    /* The preview (or the reader's page) shows what is saved: with unsaved changes, its link
       says so, rather than let the editor believe the preview shows their latest edits. */
    function showUnsaved() {
      document.querySelectorAll("a.viewsitelink[data-unsaved-label]").forEach(function (link) {
        link.textContent = link.dataset.unsavedLabel;
        link.title = link.dataset.unsavedTitle || "";
      });
    }
    function markDirty() {
      if (!dirty) { showUnsaved(); }
      dirty = true;
    }
    if (dirty) { showUnsaved(); }

    function rowsOf(list) {
      return Array.prototype.filter.call(list.children, function (el) { return el.tagName === "LI"; });
    }
    function ownInput(row, suffix) {
      return row.querySelector("[name='" + row.dataset.prefix + "-" + suffix + "']");
    }
    function isUsed(row) {
      if (row.dataset.used === "1") { return true; }
      var id = ownInput(row, "id");
      if (id && id.value) { return true; }
      var title = ownInput(row, "title");
      return Boolean(title && title.value.trim());
    }
    function listOf(row) { return row.parentElement; }
    function itemLists() { return compose.querySelectorAll("ol.item-list"); }
    function sectionList() { return compose.querySelector("ol.section-list"); }

    /* Number the rows of every list 1..n in screen order; rows not filled in stay empty. */
    function renumber() {
      var lists = [sectionList()].concat(Array.prototype.slice.call(itemLists()));
      lists.forEach(function (list) {
        if (!list) { return; }
        var n = 0;
        rowsOf(list).forEach(function (row) {
          var position = ownInput(row, "position");
          if (!position) { return; }
          position.value = isUsed(row) ? String(++n) : "";
          var moveTo = ownInput(row, "move_to");
          if (moveTo && moveTo.tagName === "SELECT" && list.dataset.sectionId) {
            moveTo.value = list.dataset.sectionId;
          }
        });
      });
    }

    function canMoveInto(list, row) {
      if (!list.classList.contains("item-list")) { return true; }
      var moveTo = ownInput(row, "move_to");
      return Boolean(list.dataset.sectionId && moveTo && moveTo.tagName === "SELECT");
    }

    function place(row, list, before) {
      list.insertBefore(row, before || null);
      renumber();
      markDirty();
    }

    /* The previous or next list of items, for moving an item across a section boundary. */
    function neighbourList(list, step) {
      var lists = Array.prototype.slice.call(itemLists());
      var index = lists.indexOf(list) + step;
      while (index >= 0 && index < lists.length) {
        if (lists[index].dataset.sectionId) { return lists[index]; }
        index += step;
      }
      return null;
    }

    /* The first blank row of a list (blank rows wait at the end): where "last" is. */
    function endOf(list, except) {
      return rowsOf(list).filter(function (el) { return el !== except && !isUsed(el); })[0] || null;
    }

    /* Say where a moved row now is, for screen readers (an aria-live region). */
    function announce(row) {
      if (!status) { return; }
      var list = listOf(row);
      var headline = row.querySelector(".headline");
      var text;
      if (row.classList.contains("item-row")) {
        var sectionRow = list.closest("li.section-row");
        var sectionHeadline = sectionRow && sectionRow.querySelector(".section-line .headline");
        text = (status.dataset.itemMoved || "")
          .replace("{section}", sectionHeadline ? sectionHeadline.textContent : "");
      } else {
        text = status.dataset.sectionMoved || "";
      }
      var position = ownInput(row, "position");
      status.textContent = text
        .replace("{title}", headline ? headline.textContent : "")
        .replace("{position}", position ? position.value : "");
    }

    function move(row, step) {
      var list = listOf(row);
      var used = rowsOf(list).filter(function (el) { return el === row || isUsed(el); });
      var index = used.indexOf(row);
      if (step < 0 && index > 0) {
        place(row, list, used[index - 1]);
      } else if (step > 0 && index < used.length - 1) {
        place(row, list, used[index + 1].nextSibling);
      } else if (row.classList.contains("item-row")) {
        var other = neighbourList(list, step);
        if (other && canMoveInto(other, row)) {
          place(row, other, step < 0 ? endOf(other, row) : other.firstElementChild);
        }
      }
      announce(row);
    }

    /* The 栏目 choice of an opened item: the row goes to the end of that section at once. */
    function moveToChosenSection(select) {
      var row = select.closest("li.item-row");
      var target = compose.querySelector("ol.item-list[data-section-id='" + select.value + "']");
      if (!row || !target || target === listOf(row)) { return; }
      row.dataset.used = "1";
      place(row, target, endOf(target, row));
      announce(row);
      select.focus();
    }

    function moveToTypedPosition(input) {
      var row = input.closest("li");
      var list = listOf(row);
      var wanted = parseInt(input.value, 10);
      if (isNaN(wanted)) { return; }
      row.dataset.used = "1";
      var others = rowsOf(list).filter(function (el) { return el !== row && isUsed(el); });
      var before = others[Math.max(wanted, 1) - 1] || null;
      if (!before) {
        before = endOf(list, row);
      }
      place(row, list, before === row ? row.nextSibling : before);
      announce(row);
    }

    function sortable(list) {
      if (!window.Sortable || list.dataset.sortable) { return; }
      list.dataset.sortable = "1";
      var isItems = list.classList.contains("item-list");
      window.Sortable.create(list, {
        handle: ".grip",
        draggable: "li",
        animation: 120,
        forceFallback: true,
        fallbackOnBody: true,
        group: isItems ? {
          name: "items",
          put: function (to, from, dragged) { return canMoveInto(to.el, dragged); }
        } : "sections",
        onEnd: function () { renumber(); markDirty(); }
      });
    }

    function addRow(prefix, list) {
      var template;
      if (list.classList.contains("item-list")) {
        // One item template serves every section: its prefix is replaced by this list's.
        template = list.parentElement.querySelector(":scope > template.item-template") ||
          compose.querySelector("template.item-template");
      } else {
        template = compose.querySelector("template.row-template[data-prefix='" + prefix + "']");
      }
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      if (!template || !total) { return; }
      var index = parseInt(total.value, 10);
      var source = template.dataset.prefix;
      var html = template.innerHTML.split(source + "-__prefix__").join(prefix + "-" + index);
      if (prefix === "sections") {
        html = html.split("sections-empty-items").join("sections-" + index + "-items");
      }
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      var row = holder.content.firstElementChild;
      list.insertBefore(row, endOf(list));  // before the blank row that waits at the end
      total.value = String(index + 1);
      row.dataset.used = "1";
      describe(row);
      row.querySelectorAll("li.item-row").forEach(describe);
      row.querySelectorAll("ol.item-list").forEach(sortable);
      var details = row.querySelector("details");
      if (details) { details.open = true; }
      var title = ownInput(row, "title");
      if (title) { title.focus(); }
      renumber();
      markDirty();
    }

    function openAround(element) {
      for (var el = element; el; el = el.parentElement) {
        if (el.tagName === "DETAILS") { el.open = true; }
      }
    }

    function updateSummary(row) {
      var title = ownInput(row, "title");
      var headline = row.querySelector(":scope > details > summary .headline, :scope > .line > details > summary .headline");
      if (title && headline && title.value.trim()) { headline.textContent = title.value.trim(); }
      var body = ownInput(row, "body");
      var length = row.querySelector(":scope > details .length");
      if (body && length) {
        var count = body.value.replace(/\r\n/g, "\n").trim().length;
        length.textContent = length.textContent.replace(/[0-9][0-9,]*/, String(count));
      }
    }

    /* A row's controls name their row for screen readers: "上移" of which item. */
    function describe(row) {
      if (isUsed(row)) { row.dataset.used = "1"; }
      var headline = row.querySelector(":scope > details .headline, :scope > .line > details .headline");
      if (!headline) { return; }
      headline.id = row.id + "-headline";
      var controls = row.querySelectorAll(":scope > .move-buttons button, :scope > .line > .move-buttons button");
      [ownInput(row, "position")].concat(Array.prototype.slice.call(controls)).forEach(function (control) {
        if (control) { control.setAttribute("aria-describedby", headline.id); }
      });
    }

    /* After a refused save the rows come back in form order: show the editor's arrangement. */
    function restoreArrangement() {
      compose.querySelectorAll("li.item-row").forEach(function (row) {
        var moveTo = ownInput(row, "move_to");
        var list = listOf(row);
        if (moveTo && moveTo.tagName === "SELECT" && moveTo.value && moveTo.value !== list.dataset.sectionId) {
          var target = compose.querySelector("ol.item-list[data-section-id='" + moveTo.value + "']");
          if (target) { target.appendChild(row); }
        }
      });
      [sectionList()].concat(Array.prototype.slice.call(itemLists())).forEach(function (list) {
        if (!list) { return; }
        var rows = rowsOf(list);
        var keyed = rows.map(function (row, index) {
          var position = parseInt((ownInput(row, "position") || {}).value, 10);
          return { row: row, key: isNaN(position) ? Infinity : position, index: index };
        });
        keyed.sort(function (a, b) { return a.key - b.key || a.index - b.index; });
        keyed.forEach(function (entry) { list.appendChild(entry.row); });
      });
    }

    restoreArrangement();
    compose.querySelectorAll("li.item-row, li.section-row").forEach(describe);
    var sections = sectionList();
    if (sections) { sortable(sections); }
    itemLists().forEach(sortable);

    compose.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !compose.contains(button)) { return; }
      if (button.classList.contains("move-up") || button.classList.contains("move-down")) {
        event.preventDefault();
        move(button.closest("li"), button.classList.contains("move-up") ? -1 : 1);
        button.focus();
      } else if (button.classList.contains("add-item") || button.classList.contains("add-section")) {
        event.preventDefault();
        var list = compose.querySelector("ol[data-prefix='" + button.dataset.list + "']");
        if (list) { addRow(button.dataset.list, list); }
      }
    });

    compose.addEventListener("change", function (event) {
      var target = event.target;
      if (target.classList.contains("position")) {
        moveToTypedPosition(target);
      } else if (target.tagName === "SELECT" && /-move_to$/.test(target.name)) {
        moveToChosenSection(target);
      } else if (target.name && /-DELETE$/.test(target.name)) {
        target.closest("li").classList.toggle("marked-for-deletion", target.checked);
      }
    });

    compose.addEventListener("input", function (event) {
      var row = event.target.closest("li");
      if (!row || event.target.classList.contains("position")) { return; }
      if (row.dataset.used !== "1") {
        row.dataset.used = "1";
        renumber();
      }
      updateSummary(row);
    });

    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", function (event) {
      renumber();
      submitting = true;
      if (event.submitter && event.submitter.name === "_continue") { rememberPlace(); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
      return undefined;
    });

    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        var button = form.querySelector("input[name='_continue']");
        renumber();
        submitting = true;
        rememberPlace();
        if (form.requestSubmit) { form.requestSubmit(button || undefined); } else if (button) { button.click(); }
      }
    });

    document.addEventListener("click", function (event) {
      var link = event.target.closest(".error-summary a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      openAround(target);
      // The field with its label and its row's headline in view, not flush with the top.
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
      history.replaceState(null, "", link.getAttribute("href"));
    });

    /* "Save and continue editing" (and Ctrl+S) brings the editor back where they were: the
       same rows open, the same field focused, the page scrolled as it was. */
    var PLACE_KEY = "newsroom-compose-place";
    function rowKey(row) {
      var id = ownInput(row, "id");
      var kind = row.classList.contains("item-row") ? "item" : "section";
      if (id && id.value) { return kind + ":" + id.value; }
      var list = listOf(row);
      var lists = Array.prototype.slice.call(compose.querySelectorAll("ol." + list.className.split(" ")[0]));
      return kind + "@" + lists.indexOf(list) + "." + rowsOf(list).indexOf(row);
    }
    function findRow(key) {
      var match = /^(item|section)([:@])(.+)$/.exec(key);
      if (!match) { return null; }
      if (match[2] === "@") {  // a row new at the time: found where it stood on screen
        var at = match[3].split(".");
        var list = compose.querySelectorAll(match[1] === "item" ? "ol.item-list" : "ol.section-list")[Number(at[0])];
        return list ? rowsOf(list)[Number(at[1])] || null : null;
      }
      var rows = compose.querySelectorAll(match[1] === "item" ? "li.item-row" : "li.section-row");
      for (var i = 0; i < rows.length; i++) {
        if (rowKey(rows[i]) === key) { return rows[i]; }
      }
      return null;
    }
    function rememberPlace() {
      try {
        var open = [];
        compose.querySelectorAll("li > details[open], li > .line > details[open]").forEach(function (details) {
          open.push(rowKey(details.closest("li")));
        });
        var active = document.activeElement;
        var focusRow = active && compose.contains(active) ? active.closest("li") : null;
        var focus = focusRow && active.name ? [rowKey(focusRow), active.name.slice(focusRow.dataset.prefix.length + 1)] : null;
        sessionStorage.setItem(PLACE_KEY, JSON.stringify({
          path: location.pathname, y: window.scrollY, open: open, focus: focus
        }));
      } catch (error) { /* private mode: the place is simply not kept */ }
    }
    function restorePlace() {
      var place = null;
      try {
        place = JSON.parse(sessionStorage.getItem(PLACE_KEY) || "null");
        sessionStorage.removeItem(PLACE_KEY);
      } catch (error) { return; }
      if (!place || place.path !== location.pathname || location.hash) { return; }
      if (document.getElementById("error-summary") || document.getElementById("conflict")) { return; }
      (place.open || []).forEach(function (key) {
        var row = findRow(key);
        var details = row && row.querySelector(":scope > details, :scope > .line > details");
        if (details) { details.open = true; }
      });
      window.scrollTo(0, place.y || 0);
      if (place.focus) {
        var row = findRow(place.focus[0]);
        var field = row && ownInput(row, place.focus[1]);
        if (field) { field.focus({ preventScroll: true }); }
      }
    }
    restorePlace();
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target) { openAround(target); }
    }
  }
})();

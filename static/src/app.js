/* app.js — Khet's small progressive enhancements. Every page works without
 * this file (forms post, links navigate); it only adds comfort:
 *   - data-confirm="ข้อความ" on a <form>, on its submit <button>, or on an <a>:
 *     asks before going on (CSP forbids inline onclick, so it lives here);
 *   - a POST form cannot be sent twice by a double tap on a slow link;
 *   - a form shown again with errors moves focus to its error summary;
 *   - <input type="file" data-max-bytes="…"> refuses a too-large file before
 *     it is uploaded (the server checks again);
 *   - htmx requests carry the page's CSRF token;
 *   - a date field (<input data-date-be>, typed วว/ดด/ปปปป in พ.ศ.) gets a
 *     calendar button: Thai month names, Buddhist-era years, weeks from
 *     Sunday, keyboard (arrows, PageUp/PageDown, Home/End, Enter, Escape);
 *     the chosen day is written into the field as 25/06/2567, the text the
 *     server reads (thai_date_input), so nothing changes without script.
 * Plain ES5-level code, no build step, no dependencies. */
(function () {
	"use strict";

	var doc = document;
	var BUSY_MS = 15000; /* after this a stuck submit can be retried */

	function csrfToken() {
		var m = doc.querySelector('meta[name="csrf-token"]');
		return m ? m.getAttribute("content") : "";
	}

	/* htmx takes over the forms and elements it drives; leave those to it. */
	function htmxDriven(el) {
		var a = el.attributes;
		for (var i = 0; i < a.length; i++) {
			if (a[i].name.indexOf("hx-") === 0 || a[i].name.indexOf("data-hx-") === 0) return true;
		}
		return !!(el.closest && el.closest('[hx-boost="true"], [data-hx-boost="true"]'));
	}

	/* Confirm: capture phase, so a "no" (or a second tap on a form already
	 * being sent) stops the submit before htmx or anything else sees it. The
	 * pressed button's message wins over the form's. */
	doc.addEventListener("submit", function (ev) {
		var form = ev.target;
		var btn = ev.submitter;
		if (form.hasAttribute("data-submitting")) { /* second tap while sending */
			ev.preventDefault();
			ev.stopPropagation();
			return;
		}
		var msg = (btn && btn.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
		if (msg && !window.confirm(msg)) {
			ev.preventDefault();
			ev.stopPropagation();
		}
	}, true);

	/* Double-submit guard: locks a POST form once it is really being sent.
	 * Bubble phase, after every other handler, so a submit someone else
	 * cancelled does not lock the form. */
	doc.addEventListener("submit", function (ev) {
		var form = ev.target;
		if (ev.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post" || htmxDriven(form)) return;
		form.setAttribute("data-submitting", "");
		form.setAttribute("aria-busy", "true");
		window.setTimeout(function () { unlock(form); }, BUSY_MS);
	});

	function unlock(form) {
		form.removeAttribute("data-submitting");
		form.removeAttribute("aria-busy");
	}

	/* Back button from the next page restores this one from the cache with
	 * the form still locked; unlock it. */
	window.addEventListener("pageshow", function () {
		var forms = doc.querySelectorAll("form[data-submitting]");
		for (var i = 0; i < forms.length; i++) unlock(forms[i]);
	});

	doc.addEventListener("click", function (ev) {
		var a = ev.target.closest && ev.target.closest("a[data-confirm]");
		if (a && !window.confirm(a.getAttribute("data-confirm"))) ev.preventDefault();
	});

	/* File size before upload: saves minutes of a doomed upload on a slow link. */
	function megabytes(n) {
		return (Math.round(n / 104857.6) / 10).toLocaleString("th-TH") + " MB";
	}
	doc.addEventListener("change", function (ev) {
		var el = ev.target;
		if (!el.matches || !el.matches('input[type="file"][data-max-bytes]')) return;
		var max = parseInt(el.getAttribute("data-max-bytes"), 10);
		var msg = "";
		for (var i = 0; el.files && i < el.files.length; i++) {
			if (el.files[i].size > max) {
				msg = "ไฟล์ " + el.files[i].name + " มีขนาด " + megabytes(el.files[i].size) +
					" เกินขนาดที่รับได้ " + megabytes(max) + " กรุณาเลือกไฟล์ที่เล็กลง";
				break;
			}
		}
		el.setCustomValidity(msg);
		if (msg) el.reportValidity();
	});

	/* A form shown again with errors: take the user to the summary (or the
	 * first wrong field) so a screen reader announces what to fix. */
	function focusErrors(root) {
		var target = root.querySelector(".error-summary") || root.querySelector('[aria-invalid="true"]');
		if (target) target.focus();
	}
	focusErrors(doc);

	/* htmx: unsafe requests carry _csrf like a normal form would (and the
	 * header, for handlers that prefer it); swapped-in errors get focus. */
	doc.addEventListener("htmx:configRequest", function (ev) {
		var d = ev.detail;
		if (!d || (d.verb || "get").toLowerCase() === "get") return;
		var t = csrfToken();
		if (!t) return;
		if (d.parameters && !d.parameters._csrf) d.parameters._csrf = t;
		if (d.headers) d.headers["X-CSRF-Token"] = t;
	});
	doc.addEventListener("htmx:afterSettle", function (ev) {
		if (ev.detail && ev.detail.elt) focusErrors(ev.detail.elt);
	});

	/* ---- the Thai calendar of a date field ---- */
	var MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
		"สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
	var DAYS = ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"];
	var DAY_NAMES = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];
	var openPicker = null;

	function pad2(n) { return (n < 10 ? "0" : "") + n; }

	/* The day a field holds: 25/06/2567 (BE), 2024-06-25 (ISO); else null. */
	function fieldDay(text) {
		var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text || "");
		var y, mo, d;
		if (m) {
			d = +m[1]; mo = +m[2]; y = +m[3];
			if (y > 2400) y -= 543;
		} else if ((m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text || ""))) {
			y = +m[1]; mo = +m[2]; d = +m[3];
		} else {
			return null;
		}
		var t = new Date(y, mo - 1, d);
		return t.getFullYear() === y && t.getMonth() === mo - 1 && t.getDate() === d ? t : null;
	}

	/* Today in Bangkok, whatever the device's zone. */
	function today() {
		var n = new Date(Date.now() + 7 * 3600e3);
		return new Date(n.getUTCFullYear(), n.getUTCMonth(), n.getUTCDate());
	}

	function sameDay(a, b) {
		return a && b && a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
	}

	function closePicker(focusField) {
		if (!openPicker) return;
		var p = openPicker;
		openPicker = null;
		p.box.parentNode.removeChild(p.box);
		p.button.setAttribute("aria-expanded", "false");
		if (focusField) p.input.focus();
	}

	function el(tag, attrs, text) {
		var e = doc.createElement(tag);
		for (var k in attrs) e.setAttribute(k, attrs[k]);
		if (text != null) e.textContent = text;
		return e;
	}

	function renderPicker(p) {
		var box = p.box, cur = p.cursor, chosen = fieldDay(p.input.value), now = today();
		box.textContent = "";
		var head = el("div", { "class": "cal-head" });
		var prev = el("button", { type: "button", "class": "cal-prev", "aria-label": "เดือนก่อนหน้า" }, "‹");
		var next = el("button", { type: "button", "class": "cal-next", "aria-label": "เดือนถัดไป" }, "›");
		var month = el("select", { "class": "cal-month", "aria-label": "เดือน" });
		for (var i = 0; i < 12; i++) {
			var o = el("option", { value: String(i) }, MONTHS[i]);
			if (i === cur.getMonth()) o.selected = true;
			month.appendChild(o);
		}
		var year = el("select", { "class": "cal-year", "aria-label": "ปี พ.ศ." });
		for (var y = cur.getFullYear() - 100; y <= cur.getFullYear() + 10; y++) {
			var yo = el("option", { value: String(y) }, String(y + 543));
			if (y === cur.getFullYear()) yo.selected = true;
			year.appendChild(yo);
		}
		head.appendChild(prev);
		head.appendChild(month);
		head.appendChild(year);
		head.appendChild(next);
		box.appendChild(head);
		var table = el("table", { "class": "cal-grid", role: "grid", "aria-label": MONTHS[cur.getMonth()] + " " + (cur.getFullYear() + 543) });
		var tr = el("tr");
		for (var d = 0; d < 7; d++) tr.appendChild(el("th", { scope: "col", abbr: DAY_NAMES[d] }, DAYS[d]));
		var thead = el("thead");
		thead.appendChild(tr);
		table.appendChild(thead);
		var tbody = el("tbody");
		var first = new Date(cur.getFullYear(), cur.getMonth(), 1);
		var day = new Date(first.getFullYear(), first.getMonth(), 1 - first.getDay());
		for (var w = 0; w < 6; w++) {
			tr = el("tr");
			for (d = 0; d < 7; d++) {
				var td = el("td");
				if (day.getMonth() === cur.getMonth()) {
					var b = el("button", {
						type: "button", "class": "cal-day", tabindex: sameDay(day, cur) ? "0" : "-1",
						"data-day": day.getFullYear() + "-" + pad2(day.getMonth() + 1) + "-" + pad2(day.getDate()),
						"aria-label": day.getDate() + " " + MONTHS[day.getMonth()] + " " + (day.getFullYear() + 543)
					}, String(day.getDate()));
					if (sameDay(day, chosen)) b.setAttribute("aria-pressed", "true");
					if (sameDay(day, now)) b.setAttribute("aria-current", "date");
					td.appendChild(b);
				}
				tr.appendChild(td);
				day = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
			}
			tbody.appendChild(tr);
		}
		table.appendChild(tbody);
		box.appendChild(table);
		box.appendChild(el("button", { type: "button", "class": "cal-close" }, "ปิด"));
		prev.addEventListener("click", function () { move(p, 0, -1, true); });
		next.addEventListener("click", function () { move(p, 0, 1, true); });
		month.addEventListener("change", function () { setCursor(p, new Date(cur.getFullYear(), +month.value, 1), false); });
		year.addEventListener("change", function () { setCursor(p, new Date(+year.value, cur.getMonth(), 1), false); });
	}

	function setCursor(p, t, focusDay) {
		p.cursor = t;
		renderPicker(p);
		if (focusDay) {
			var b = p.box.querySelector('.cal-day[tabindex="0"]');
			if (b) b.focus();
		}
	}

	/* By days, or by months keeping the day where the month has it. */
	function move(p, days, months, keepFocusOnHead) {
		var c = p.cursor, t;
		if (months) {
			var last = new Date(c.getFullYear(), c.getMonth() + months + 1, 0).getDate();
			t = new Date(c.getFullYear(), c.getMonth() + months, Math.min(c.getDate(), last));
		} else {
			t = new Date(c.getFullYear(), c.getMonth(), c.getDate() + days);
		}
		setCursor(p, t, !keepFocusOnHead);
	}

	function choose(p, iso) {
		var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
		p.input.value = m[3] + "/" + m[2] + "/" + (+m[1] + 543);
		p.input.dispatchEvent(new Event("input", { bubbles: true }));
		p.input.dispatchEvent(new Event("change", { bubbles: true }));
		closePicker(true);
	}

	function showPicker(input, button) {
		closePicker(false);
		var box = el("div", { "class": "cal", role: "dialog", "aria-label": "เลือกวันที่ (พ.ศ.)" });
		var p = { input: input, button: button, box: box, cursor: fieldDay(input.value) || today() };
		openPicker = p;
		button.setAttribute("aria-expanded", "true");
		button.parentNode.insertBefore(box, button.nextSibling);
		setCursor(p, p.cursor, true);
		box.addEventListener("click", function (ev) {
			var b = ev.target.closest("button");
			if (!b) return;
			if (b.classList.contains("cal-day")) choose(p, b.getAttribute("data-day"));
			else if (b.classList.contains("cal-close")) closePicker(true);
		});
		box.addEventListener("keydown", function (ev) {
			var onDay = ev.target.classList && ev.target.classList.contains("cal-day");
			var k = ev.key, handled = true;
			if (k === "Escape") closePicker(true);
			else if (!onDay) handled = false;
			else if (k === "ArrowLeft") move(p, -1, 0);
			else if (k === "ArrowRight") move(p, 1, 0);
			else if (k === "ArrowUp") move(p, -7, 0);
			else if (k === "ArrowDown") move(p, 7, 0);
			else if (k === "PageUp") move(p, 0, ev.shiftKey ? -12 : -1);
			else if (k === "PageDown") move(p, 0, ev.shiftKey ? 12 : 1);
			else if (k === "Home") move(p, -p.cursor.getDay(), 0);
			else if (k === "End") move(p, 6 - p.cursor.getDay(), 0);
			else handled = false; /* Enter and Space press the day's button */
			if (handled) ev.preventDefault();
		});
	}

	function addCalendarButtons(root) {
		var inputs = root.querySelectorAll("input[data-date-be]");
		for (var i = 0; i < inputs.length; i++) {
			var input = inputs[i];
			if (input.hasAttribute("data-date-ready")) continue;
			input.setAttribute("data-date-ready", "");
			var label = input.id && doc.querySelector('label[for="' + input.id + '"]');
			var b = el("button", {
				type: "button", "class": "cal-open", "aria-haspopup": "dialog", "aria-expanded": "false",
				"aria-label": "เลือกจากปฏิทิน" + (label ? ": " + label.textContent.trim() : "")
			}, "ปฏิทิน");
			input.parentNode.insertBefore(b, input.nextSibling);
			(function (inp, btn) {
				btn.addEventListener("click", function () {
					if (openPicker && openPicker.input === inp) closePicker(true);
					else showPicker(inp, btn);
				});
			})(input, b);
		}
	}
	addCalendarButtons(doc);
	doc.addEventListener("htmx:afterSettle", function (ev) {
		if (ev.detail && ev.detail.elt) addCalendarButtons(ev.detail.elt);
	});
	doc.addEventListener("click", function (ev) {
		/* the path as dispatched: a click that re-drew the month is inside */
		var path = ev.composedPath ? ev.composedPath() : [ev.target];
		if (openPicker && path.indexOf(openPicker.box) < 0 && path.indexOf(openPicker.button) < 0) closePicker(false);
	});
})();

/* app.js — Khet's small progressive enhancements. Every page works without
 * this file (forms post, links navigate); it only adds comfort:
 *   - data-confirm="ข้อความ" on a <form>, on its submit <button>, or on an <a>:
 *     asks before going on (CSP forbids inline onclick, so it lives here);
 *   - a POST form cannot be sent twice by a double tap on a slow link;
 *   - a form shown again with errors moves focus to its error summary;
 *   - <input type="file" data-max-bytes="…"> refuses a too-large file before
 *     it is uploaded (the server checks again);
 *   - htmx requests carry the page's CSRF token.
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
})();

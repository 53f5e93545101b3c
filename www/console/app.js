/*
 * The scimlet operator console: a single page over the admin API (README,
 * "Operator console").  It runs under a strict Content-Security-Policy: no
 * inline script or style, no eval.  Every value from the server enters the
 * page as text (textContent or a text node), never as markup.
 */
'use strict';

(function () {
	/* The page is {admin}/; the API is {admin}/api/. */
	const BASE = location.pathname.replace(/[^/]*$/, '');
	const API = BASE + 'api/';
	const main = document.getElementById('main');
	const nav = document.getElementById('nav');
	const who = document.getElementById('who');

	let session = null;	/* the body of GET/POST session */
	let seq = 0;		/* the page being drawn; older draws stop */
	let flash = null;	/* a message for the next page drawn */
	let back = null;	/* the page to return to after sign-in */

	/* An element: h('p', {class: 'x'}, 'text', child, ...).  Strings
	 * become text nodes; "on*" keys become event listeners. */
	function h(tag, attrs, ...kids) {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs || {})) {
			if (v === null || v === undefined || v === false)
				continue;
			if (k.startsWith('on'))
				e.addEventListener(k.slice(2), v);
			else if (k === 'class')
				e.className = v;
			else
				e.setAttribute(k, v === true ? '' : String(v));
		}
		for (const k of kids.flat())
			if (k !== null && k !== undefined && k !== false)
				e.append(k);
		return e;
	}

	/* Replace el's children by kids; null, undefined and false are
	 * left out (replaceChildren would show them as text). */
	function fill(el, ...kids) {
		el.replaceChildren(...kids.flat().filter((k) => k !== null &&
		    k !== undefined && k !== false));
	}

	class ApiError extends Error {
		constructor(status, detail) {
			super(detail);
			this.status = status;
		}
	}

	/* Thrown after a 401 sent the page back to sign-in. */
	class SignedOut extends Error {}

	/* One call of the admin API.  Non-GET calls carry the session's
	 * anti-CSRF token; a 401 (other than a failed sign-in) ends the
	 * session on the page. */
	async function api(method, path, body) {
		const opts = {method: method, headers: {},
		    credentials: 'same-origin', cache: 'no-store'};
		if (method !== 'GET' && method !== 'HEAD')
			opts.headers['X-Scimlet-CSRF'] =
			    session ? session.csrf : '';
		if (body !== undefined) {
			opts.headers['Content-Type'] = 'application/json';
			opts.body = JSON.stringify(body);
		}
		let r;
		try {
			r = await fetch(API + path, opts);
		} catch (e) {
			throw new ApiError(0, 'The server did not answer (' +
			    e.message + ').');
		}
		const text = await r.text();
		let data = null;
		try {
			data = text ? JSON.parse(text) : null;
		} catch (e) {
			data = null;
		}
		if (r.status === 401 && !(path === 'session' &&
		    method === 'POST')) {
			if (session || path !== 'session') {
				session = null;
				flash = 'Your session has ended: sign in again.';
			}
			if (!/^#\/(signin|signout)?$/.test(location.hash) &&
			    location.hash !== '')
				back = location.hash;
			go('signin');
			throw new SignedOut();
		}
		if (!r.ok) {
			let detail = data && typeof data.detail === 'string' ?
			    data.detail : r.status + ' ' + r.statusText;
			if (r.status === 429 && r.headers.get('Retry-After'))
				detail += ' (retry in ' +
				    r.headers.get('Retry-After') + ' s)';
			throw new ApiError(r.status, detail);
		}
		return data;
	}

	function go(page) {
		const hash = '#/' + page;
		if (location.hash === hash)
			route();
		else
			location.hash = hash;
	}

	function enc(s) {
		return encodeURIComponent(s);
	}

	/* "2026-11-28T20:00:00Z" as "2026-11-28 20:00 UTC"; absent as "—". */
	function when(s) {
		if (!s)
			return '—';
		const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?Z$/
		    .exec(s);
		return m ? m[1] + ' ' + m[2] + ' UTC' : String(s);
	}

	function timeCell(s) {
		return h('td', {class: 'time', title: s || null}, when(s));
	}

	function count(n, what) {
		return n + ' ' + what + (n === 1 ? '' : 's');
	}

	function alertBox(text, kind) {
		return h('p', {class: 'msg ' + (kind || 'error'),
		    role: kind === 'ok' ? 'status' : 'alert'}, text);
	}

	function showError(where, e) {
		if (e instanceof SignedOut)
			return;
		fill(where, alertBox(e instanceof ApiError ?
		    e.message : 'Error: ' + e.message));
	}

	/* The tenant a page is about: the tenant admin's own, or the one in
	 * the route; null when an operator has not picked one. */
	function pageTenant(arg) {
		if (session.role === 'tenant-admin' && !arg)
			return session.tenant;
		return arg || null;
	}

	/* An operator's list of tenants to pick from, for page. */
	async function pickTenant(page, title, my) {
		const box = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
		fill(main, h('h1', {}, title), box);
		try {
			const d = await api('GET', 'tenants');
			if (my !== seq)
				return;
			const list = h('ul', {class: 'picker'});
			for (const t of d.tenants)
				list.append(h('li', {}, h('a', {href: '#/' + page +
				    '/' + enc(t.name)}, t.name)));
			fill(box, d.tenants.length ?
			    h('div', {}, h('p', {}, 'Pick a tenant:'), list) :
			    h('p', {class: 'muted'}, 'No tenants yet: add one ' +
				'with scimlet tenant add NAME.'));
		} catch (e) {
			showError(box, e);
		}
	}

	/* ---- Sign in ------------------------------------------------ */

	function pageSignin() {
		const input = h('input', {id: 'credential', type: 'password',
		    name: 'credential', autocomplete: 'off', required: true,
		    spellcheck: 'false', placeholder: 'scimadm_…'});
		const err = h('div', {id: 'signin-error'});
		const btn = h('button', {type: 'submit'}, 'Sign in');
		const form = h('form', {id: 'signin', class: 'card narrow'},
		    h('h1', {}, 'Sign in'),
		    flash ? alertBox(flash, 'info') : null,
		    h('label', {for: 'credential'}, 'Admin credential'),
		    input, btn, err,
		    h('p', {class: 'muted'}, 'An operator credential comes ' +
			'from scimlet admin issue --operator, a tenant ' +
			'admin\'s from scimlet admin issue --tenant NAME.'));
		flash = null;
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			fill(err);
			btn.disabled = true;
			try {
				session = await api('POST', 'session',
				    {credential: input.value.trim()});
				input.value = '';
				const to = back;
				back = null;
				if (to && to !== location.hash)
					location.hash = to;
				else
					go('overview');
			} catch (e) {
				showError(err, e);
				input.select();
			} finally {
				btn.disabled = false;
			}
		});
		fill(main, form);
		input.focus();
	}

	/* ---- Overview ----------------------------------------------- */

	/* The last sync cycle, as `scimlet cycles --json` gives it. */
	function lastCycle(c) {
		if (!c)
			return 'none yet';
		const failed = c.failures !== undefined ? c.failures : c.failed;
		if (c.running)
			return 'running since ' + when(c.start) + ', ' +
			    count(c.requests, 'request');
		return when(c.end) + ': ' + count(c.requests, 'request') +
		    ', ' + failed + ' failed';
	}

	function cycleLink(tenant, c) {
		return c && c.id ? h('a', {href: '#/cycles/' + enc(tenant) +
		    '/' + enc(c.id)}, lastCycle(c)) : lastCycle(c);
	}

	/* The breaker's state: a word, or the object of `breaker status
	 * --json`. */
	function breaker(t) {
		const b = t.breaker;
		return b && typeof b === 'object' ? String(b.state) :
		    String(b === null || b === undefined ? '—' : b);
	}

	async function pageOverview(arg, my) {
		const box = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
		fill(main, h('h1', {}, session.role === 'operator' ?
		    'Tenants' : 'Tenant ' + session.tenant), box);
		try {
			const d = await api('GET', 'tenants');
			if (my !== seq)
				return;
			if (!d.tenants.length) {
				fill(box, h('p', {class: 'muted'},
				    'No tenants yet: add one with scimlet ' +
				    'tenant add NAME.'));
				return;
			}
			const body = h('tbody');
			for (const t of d.tenants) {
				body.append(h('tr', {'data-tenant': t.name},
				    h('td', {class: 'name'}, t.name),
				    h('td', {class: 'num users'}, String(t.users)),
				    h('td', {class: 'num groups'}, String(t.groups)),
				    h('td', {class: 'cycle'}, cycleLink(t.name,
					t.last_cycle !== undefined ? t.last_cycle :
					t.lastCycle)),
				    h('td', {class: 'num outstanding' +
					(t.outstanding ? ' bad' : '')},
					String(t.outstanding)),
				    h('td', {class: 'breaker' + (breaker(t) ===
					'tripped' ? ' bad' : '')}, breaker(t)),
				    h('td', {class: 'actions'}, [['connect',
					'Connect'], ['tokens', 'Tokens'], ['cycles',
					'Cycles'], ['users', 'Users'], ['roles',
					'Roles'], ['deprov', 'Deprovisioning']].map(
					([p, title]) => h('a', {href: '#/' + p + '/' +
					enc(t.name)}, title)))));
			}
			fill(box, h('table', {id: 'tenants'},
			    h('thead', {}, h('tr', {},
				h('th', {}, 'Tenant'),
				h('th', {class: 'num'}, 'Users'),
				h('th', {class: 'num'}, 'Groups'),
				h('th', {}, 'Last cycle'),
				h('th', {class: 'num'}, 'Outstanding failures'),
				h('th', {}, 'Breaker'), h('th', {}, ''))),
			    body));
		} catch (e) {
			showError(box, e);
		}
	}

	/* ---- Sign out ----------------------------------------------- */

	async function pageSignout() {
		try {
			await api('DELETE', 'session');
		} catch (e) {
			if (e instanceof SignedOut)
				return;
		}
		session = null;
		flash = 'Signed out.';
		go('signin');
	}

	/* ---- Shared by the pages ------------------------------------- */

	/* The API path of tenant t: tpath('acme', 'users', id). */
	function tpath(t, ...rest) {
		return 'tenants/' + [t, ...rest].map(enc).join('/');
	}

	/* A page's href: link('user', 'acme', id) or with a query object
	 * link('activity', 'acme', {status: '4xx'}). */
	function link(page, ...rest) {
		let q = '';
		if (rest.length && rest[rest.length - 1] !== null &&
		    typeof rest[rest.length - 1] === 'object') {
			const p = new URLSearchParams();
			for (const [k, v] of Object.entries(rest.pop()))
				if (v !== null && v !== undefined && v !== '')
					p.set(k, String(v));
			q = p.toString() ? '?' + p.toString() : '';
		}
		return '#/' + [page, ...rest].map(enc).join('/') + q;
	}

	/* A box saying "Loading…" until fill replaces it. */
	function loading() {
		return h('div', {class: 'box'}, h('p', {class: 'muted'},
		    'Loading…'));
	}

	/* A table: cols [[title, class]], rows of cells (td elements, or
	 * text that becomes one). */
	function table(id, cols, rows, empty) {
		if (!rows.length)
			return h('p', {class: 'muted', id: id}, empty || 'None.');
		return h('table', {id: id},
		    h('thead', {}, h('tr', {}, cols.map(([t, c]) =>
			h('th', {class: c || null}, t)))),
		    h('tbody', {}, rows));
	}

	function td(text, cls) {
		return h('td', {class: cls || null}, text === null ||
		    text === undefined ? '—' : String(text));
	}

	/* A labelled field for a filter form. */
	function field(label, input) {
		return h('span', {class: 'field'}, h('label', {for: input.id},
		    label), input);
	}

	/* A definition list of [term, value] (values as text or nodes). */
	function facts(id, pairs) {
		return h('dl', {class: 'facts', id: id}, pairs.flatMap(([k, v]) =>
		    [h('dt', {}, k), h('dd', {}, v === null || v === undefined ?
			'—' : typeof v === 'object' ? v : String(v))]));
	}

	/* The heading of a tenant's page: "Title tenant". */
	function heading(title, tenant, ...more) {
		return h('h1', {}, title + ' ', h('span', {class: 'tenant'},
		    tenant), ...more);
	}

	/* Run fn every ms while page my is shown (and the browser tab is
	 * visible); fn returns false to stop.  Leaving the page stops it. */
	let timers = [];
	function poll(my, ms, fn) {
		const p = {timer: null, stopped: false};
		const tick = async () => {
			p.timer = null;
			if (p.stopped || my !== seq)
				return;
			let again = true;
			if (!document.hidden) {
				try {
					again = await fn();
				} catch (e) {
					again = !(e instanceof SignedOut);
				}
			}
			if (again !== false && !p.stopped && my === seq)
				p.timer = setTimeout(tick, ms);
		};
		p.stop = () => {
			p.stopped = true;
			clearTimeout(p.timer);
			p.timer = null;
		};
		timers.push(p);
		p.timer = setTimeout(tick, ms);
		return p;
	}

	/* ---- Routing ------------------------------------------------ */

	const pages = {signin: pageSignin, overview: pageOverview,
	    signout: pageSignout};
	let tenantNow = null;	/* the tenant of the last page about one */

	function drawNav(page) {
		nav.hidden = !session;
		const t = session && session.role === 'tenant-admin' ?
		    session.tenant : tenantNow;
		for (const a of nav.querySelectorAll('a')) {
			const p = a.dataset.page;
			if (a.dataset.tenant !== undefined)
				a.setAttribute('href', '#/' + p + (t ? '/' + enc(t) :
				    ''));
			if (p === page || a.dataset.also === page)
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		}
		who.textContent = !session ? '' : session.role === 'operator' ?
		    'operator' + (session.label ? ' · ' + session.label : '') :
		    'admin of ' + session.tenant;
	}

	async function route() {
		const my = ++seq;
		for (const p of timers)
			p.stop();
		timers = [];
		const hash = location.hash.replace(/^#\/?/, '');
		const qi = hash.indexOf('?');
		const query = new URLSearchParams(qi < 0 ? '' :
		    hash.slice(qi + 1));
		const parts = (qi < 0 ? hash : hash.slice(0, qi)).split('/');
		let page = parts[0] || 'overview';
		let args = [];
		try {
			args = parts.slice(1).filter((x) => x !== '')
			    .map(decodeURIComponent);
		} catch (e) {
			args = [];
		}
		if (!pages[page])
			page = 'overview';
		if (!session && page !== 'signin') {
			try {
				session = await api('GET', 'session');
			} catch (e) {
				if (!(e instanceof SignedOut)) {
					drawNav('signin');
					showError(main, e);
				}
				return;
			}
			if (my !== seq)
				return;
		}
		if (session && page === 'signin') {
			page = 'overview';
			history.replaceState(null, '', '#/overview');
		}
		if (session && args[0] && pages[page].tenantPage)
			tenantNow = args[0];
		drawNav(page);
		document.title = 'scimlet · ' + (page === 'signin' ? 'sign in' :
		    page);
		await pages[page](args[0] || null, my, {args: args,
		    query: query});
	}

	/* The interface of app.js for the other files: each adds its
	 * pages with page(name, fn); a tenant's page gets the tenant as
	 * its first argument. */
	window.scimlet = {
		h, fill, api, ApiError, SignedOut, go, enc, when, timeCell, count,
		alertBox, showError, pageTenant, pickTenant, tpath, link,
		loading, table, td, field, facts, heading, poll, main,
		session: () => session,
		current: (my) => my === seq,
		page(name, fn, tenantPage) {
			fn.tenantPage = tenantPage !== false;
			pages[name] = fn;
		}
	};

	window.addEventListener('hashchange', route);
	/* The other files' pages are added when this one's run; all are
	 * deferred, so all have run at DOMContentLoaded. */
	document.addEventListener('DOMContentLoaded', route);
})();

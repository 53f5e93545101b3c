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
		where.replaceChildren(alertBox(e instanceof ApiError ?
		    e.message : 'Error: ' + e.message));
	}

	/* Copy text; where the clipboard is refused (no focus, plain
	 * http), select it so that Ctrl+C copies it. */
	async function copy(text, el, btn) {
		try {
			await navigator.clipboard.writeText(text);
			btn.textContent = 'Copied';
		} catch (e) {
			const r = document.createRange();
			r.selectNodeContents(el);
			const sel = window.getSelection();
			sel.removeAllRanges();
			sel.addRange(r);
			btn.textContent = 'Selected: press Ctrl+C';
		}
		setTimeout(() => { btn.textContent = 'Copy'; }, 3000);
	}

	/* A value with a copy button. */
	function copyable(value, id) {
		const code = h('code', {id: id, class: 'value'}, value);
		const btn = h('button', {type: 'button', class: 'copy'}, 'Copy');
		btn.addEventListener('click', () => copy(value, code, btn));
		return h('div', {class: 'copyable'}, code, btn);
	}

	/* A new token, shown once. */
	function tokenBox(token, title) {
		return h('div', {class: 'newtoken', id: 'new-token'},
		    h('p', {}, h('strong', {}, title), ' Shown once: copy it ' +
			'into the identity provider now; it cannot be shown ' +
			'again.'),
		    copyable(token, 'token-value'));
	}

	/* POST tokens: a label only when one is given. */
	function issueBody(label, days) {
		const b = {days: Number(days.value)};
		if (label.value.trim() !== '')
			b.label = label.value.trim();
		return b;
	}

	function expirySelect(id) {
		return h('select', {id: id},
		    h('option', {value: '0'}, 'never'),
		    h('option', {value: '90'}, '90 days'),
		    h('option', {value: '365', selected: true}, '365 days'));
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
		main.replaceChildren(h('h1', {}, title), box);
		try {
			const d = await api('GET', 'tenants');
			if (my !== seq)
				return;
			const list = h('ul', {class: 'picker'});
			for (const t of d.tenants)
				list.append(h('li', {}, h('a', {href: '#/' + page +
				    '/' + enc(t.name)}, t.name)));
			box.replaceChildren(d.tenants.length ?
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
			err.replaceChildren();
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
		main.replaceChildren(form);
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

	/* The breaker's state: a word, or the object of `breaker status
	 * --json`. */
	function breaker(t) {
		const b = t.breaker;
		return b && typeof b === 'object' ? String(b.state) :
		    String(b === null || b === undefined ? '—' : b);
	}

	async function pageOverview(arg, my) {
		const box = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
		main.replaceChildren(h('h1', {}, session.role === 'operator' ?
		    'Tenants' : 'Tenant ' + session.tenant), box);
		try {
			const d = await api('GET', 'tenants');
			if (my !== seq)
				return;
			if (!d.tenants.length) {
				box.replaceChildren(h('p', {class: 'muted'},
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
				    h('td', {class: 'cycle'}, lastCycle(t.last_cycle !==
					undefined ? t.last_cycle : t.lastCycle)),
				    h('td', {class: 'num outstanding' +
					(t.outstanding ? ' bad' : '')},
					String(t.outstanding)),
				    h('td', {class: 'breaker' + (breaker(t) ===
					'tripped' ? ' bad' : '')}, breaker(t)),
				    h('td', {class: 'actions'},
					h('a', {href: '#/connect/' + enc(t.name)},
					    'Connect'), ' ',
					h('a', {href: '#/tokens/' + enc(t.name)},
					    'Tokens'))));
			}
			box.replaceChildren(h('table', {id: 'tenants'},
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

	/* ---- Connect ------------------------------------------------ */

	/* A random UUID (crypto.randomUUID needs a secure context). */
	function uuid() {
		const b = crypto.getRandomValues(new Uint8Array(16));
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const x = Array.from(b, (v) => v.toString(16).padStart(2, '0'))
		    .join('');
		return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' +
		    x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
	}

	/* Entra's "Test Connection": a filter on a random userName, which
	 * must answer 200 with an empty ListResponse. */
	async function probe(tenantUrl, token) {
		const filter = 'userName eq "' + uuid() + '"';
		const url = tenantUrl.replace(/\/+$/, '') + '/Users?filter=' +
		    enc(filter);
		let r, d = null;
		try {
			r = await fetch(url, {headers: {Authorization:
			    'Bearer ' + token, Accept: 'application/scim+json'},
			    credentials: 'omit', cache: 'no-store'});
		} catch (e) {
			return {ok: false, text: 'Failed: no answer from ' +
			    tenantUrl + ' (' + e.message + ').'};
		}
		try {
			d = await r.json();
		} catch (e) {
			d = null;
		}
		if (r.status === 200 && d && d.totalResults === 0 &&
		    Array.isArray(d.schemas) && d.schemas.includes(
		    'urn:ietf:params:scim:api:messages:2.0:ListResponse'))
			return {ok: true, text: 'Connected: GET /Users?filter=' +
			    filter + ' answered 200 with an empty list, as ' +
			    'Entra ID expects.'};
		return {ok: false, text: 'Failed: HTTP ' + r.status +
		    (d && d.detail ? ': ' + d.detail : r.status === 200 ?
		    ': not an empty ListResponse' : '')};
	}

	function steps(url) {
		return h('div', {class: 'steps'},
		    h('section', {class: 'card'},
			h('h2', {}, 'Microsoft Entra ID'),
			h('ol', {},
			    h('li', {}, 'Enterprise application → Provisioning ' +
				'→ Provisioning Mode: Automatic.'),
			    h('li', {}, 'Tenant URL: ', h('code', {}, url)),
			    h('li', {}, 'Secret Token: the token above.'),
			    h('li', {}, '"Test Connection" queries /Users and ' +
				'/Groups with a random value and expects an ' +
				'empty list; then save.'))),
		    h('section', {class: 'card'},
			h('h2', {}, 'Okta'),
			h('ol', {},
			    h('li', {}, 'App integration → Provisioning → ' +
				'Integration.'),
			    h('li', {}, 'SCIM connector base URL: ',
				h('code', {}, url)),
			    h('li', {}, 'Unique identifier field for users: ',
				h('code', {}, 'userName')),
			    h('li', {}, 'Authentication Mode: HTTP Header; the ' +
				'token above as the Bearer value.'),
			    h('li', {}, '"Test Connector Configuration" lists ' +
				'/Users?startIndex=1&count=2; then save.'))));
	}

	async function pageConnect(arg, my) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('connect', 'Connect', my);
		const url = session.tenantUrl;
		const label = h('input', {id: 'token-label', value: 'Entra ID',
		    maxlength: '128'});
		const days = expirySelect('token-days');
		const issue = h('button', {type: 'submit', id: 'issue'},
		    'Issue token');
		const tokenArea = h('div', {id: 'token-area'});
		const test = h('button', {type: 'button', id: 'test-connection',
		    disabled: true}, 'Test Connection');
		const result = h('div', {id: 'test-result'});
		let token = null, probeUrl = url;

		const form = h('form', {class: 'inline'},
		    h('label', {for: 'token-label'}, 'Label'), label,
		    h('label', {for: 'token-days'}, 'Expires after'), days,
		    issue);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			issue.disabled = true;
			try {
				const d = await api('POST', 'tenants/' +
				    enc(tenant) + '/tokens', issueBody(label,
				    days));
				token = d.token;
				if (d.tenantUrl)
					probeUrl = d.tenantUrl;
				tokenArea.replaceChildren(tokenBox(d.token,
				    'New token.'));
				test.disabled = false;
				result.replaceChildren();
			} catch (e) {
				showError(tokenArea, e);
			} finally {
				issue.disabled = false;
			}
		});
		test.addEventListener('click', async () => {
			test.disabled = true;
			result.replaceChildren(h('p', {class: 'muted'},
			    'Testing…'));
			const r = await probe(probeUrl, token);
			result.replaceChildren(alertBox(r.text,
			    r.ok ? 'ok' : 'error'));
			test.disabled = false;
		});

		main.replaceChildren(h('h1', {}, 'Connect ', h('span',
		    {class: 'tenant'}, tenant)),
		    /^https:/.test(url) ? null : alertBox('Entra ID and Okta ' +
			'only talk to https:// URLs with a publicly trusted ' +
			'certificate: serve scimlet behind HTTPS.', 'info'),
		    h('section', {class: 'card'},
			h('h2', {}, '1. Tenant URL'),
			copyable(url, 'tenant-url')),
		    h('section', {class: 'card'},
			h('h2', {}, '2. Provisioning token'),
			h('p', {class: 'muted'}, 'A new token for this ' +
			    'tenant; earlier ones stay valid (see Tokens).'),
			form, tokenArea),
		    h('section', {class: 'card'},
			h('h2', {}, '3. Test Connection'),
			h('p', {class: 'muted'}, 'Makes the request Entra ' +
			    'ID\'s "Test Connection" makes, from this ' +
			    'browser, with the token above.'),
			test, result),
		    steps(url));
	}

	/* ---- Tokens ------------------------------------------------- */

	function tokenState(t) {
		if (t.revoked)
			return 'revoked';
		if (t.active === false)
			return 'expired';
		return 'active';
	}

	async function pageTokens(arg, my) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('tokens', 'Tokens', my);
		const label = h('input', {id: 'token-label', value: '',
		    placeholder: 'e.g. Entra ID', maxlength: '128'});
		const days = expirySelect('token-days');
		const issue = h('button', {type: 'submit', id: 'issue'},
		    'Issue token');
		const notice = h('div', {id: 'token-area'});
		const box = h('div', {}, h('p', {class: 'muted'}, 'Loading…'));
		const form = h('form', {class: 'inline'},
		    h('label', {for: 'token-label'}, 'Label'), label,
		    h('label', {for: 'token-days'}, 'Expires after'), days,
		    issue);
		const path = 'tenants/' + enc(tenant) + '/tokens';

		async function load() {
			try {
				const d = await api('GET', path);
				if (my !== seq)
					return;
				box.replaceChildren(table(d.tokens));
			} catch (e) {
				showError(box, e);
			}
		}

		async function act(fn, title) {
			try {
				const d = await fn();
				notice.replaceChildren(d && d.token ?
				    tokenBox(d.token, title) :
				    alertBox(title, 'ok'));
			} catch (e) {
				showError(notice, e);
			}
			await load();
		}

		/* Replace a row's actions by a question and two buttons. */
		function confirmIn(cell, question, yes, extra, fn) {
			const no = h('button', {type: 'button'}, 'Cancel');
			const ok = h('button', {type: 'button',
			    class: 'danger confirm'}, yes);
			const old = Array.from(cell.childNodes);
			cell.replaceChildren(h('span', {class: 'question'},
			    question), extra, ok, no);
			no.addEventListener('click', () =>
			    cell.replaceChildren(...old));
			ok.addEventListener('click', () => {
				ok.disabled = no.disabled = true;
				fn();
			});
		}

		function table(tokens) {
			if (!tokens.length)
				return h('p', {class: 'muted'}, 'No tokens.');
			const body = h('tbody');
			for (const t of tokens) {
				const state = tokenState(t);
				const name = t.label || t.id;
				const cell = h('td', {class: 'actions'});
				if (state === 'active') {
					const rot = h('button', {type: 'button',
					    class: 'rotate'}, 'Rotate');
					const rev = h('button', {type: 'button',
					    class: 'revoke danger'}, 'Revoke');
					cell.append(rot, ' ', rev);
					rot.addEventListener('click', () => {
						const grace = h('select',
						    {class: 'grace'},
						    h('option', {value: '0'},
							'old one stops now'),
						    h('option', {value: '3600'},
							'old one works 1 h more'),
						    h('option', {value: '86400'},
							'old one works 1 day more'));
						confirmIn(cell, 'Rotate “' + name +
						    '”?', 'Rotate', grace, () =>
						    act(() => api('POST', path + '/' +
							enc(t.id) + '/rotate', {grace:
							Number(grace.value)}),
							'Successor of “' + name +
							'”.'));
					});
					rev.addEventListener('click', () =>
					    confirmIn(cell, 'Revoke “' + name +
						'”? Requests with it fail at once.',
						'Revoke', null, () => act(() =>
						    api('DELETE', path + '/' +
							enc(t.id)), 'Revoked “' + name +
						    '”.')));
				}
				body.append(h('tr', {'data-id': t.id,
				    class: state},
				    h('td', {class: 'label'}, t.label || '—'),
				    h('td', {}, t.scope || '—'),
				    timeCell(t.created), timeCell(t.expires),
				    timeCell(t.lastUsed !== undefined ?
					t.lastUsed : t.last_used),
				    h('td', {class: 'state'}, state), cell));
			}
			return h('table', {id: 'tokens'},
			    h('thead', {}, h('tr', {},
				h('th', {}, 'Label'), h('th', {}, 'Scope'),
				h('th', {}, 'Created'), h('th', {}, 'Expires'),
				h('th', {}, 'Last use'), h('th', {}, 'State'),
				h('th', {}, ''))),
			    body);
		}

		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			issue.disabled = true;
			await act(() => api('POST', path, issueBody(label, days)),
			    'New token.');
			label.value = '';
			issue.disabled = false;
		});
		main.replaceChildren(h('h1', {}, 'Tokens of ', h('span',
		    {class: 'tenant'}, tenant)),
		    h('section', {class: 'card'}, h('h2', {}, 'Issue a token'),
			form, notice),
		    box);
		await load();
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

	/* ---- Routing ------------------------------------------------ */

	const pages = {signin: pageSignin, overview: pageOverview,
	    connect: pageConnect, tokens: pageTokens, signout: pageSignout};

	function drawNav(page) {
		nav.hidden = !session;
		for (const a of nav.querySelectorAll('a'))
			if (a.dataset.page === page)
				a.setAttribute('aria-current', 'page');
			else
				a.removeAttribute('aria-current');
		who.textContent = !session ? '' : session.role === 'operator' ?
		    'operator' + (session.label ? ' · ' + session.label : '') :
		    'admin of ' + session.tenant;
	}

	async function route() {
		const my = ++seq;
		const parts = location.hash.replace(/^#\/?/, '').split('/');
		let page = parts[0] || 'overview';
		let arg = null;
		try {
			arg = parts[1] ? decodeURIComponent(parts[1]) : null;
		} catch (e) {
			arg = null;
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
		drawNav(page);
		document.title = 'scimlet · ' + (page === 'signin' ? 'sign in' :
		    page);
		await pages[page](arg, my);
	}

	window.addEventListener('hashchange', route);
	route();
})();

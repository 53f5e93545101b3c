/*
 * The console's Connect and Tokens pages (README, "Operator console"):
 * the Tenant URL, a token shown once, Test Connection; the tenant's
 * tokens, issued, rotated, revoked.  Loaded after app.js.
 */
'use strict';

(function () {
	const C = window.scimlet;
	const {h, fill, api, enc, timeCell, alertBox, showError, pageTenant,
	    pickTenant} = C;

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

	/* One of Entra's probes: GET path with a filter on a random value,
	 * which must answer 200 with an empty ListResponse. */
	async function probeOne(tenantUrl, token, path, filter) {
		const url = tenantUrl.replace(/\/+$/, '') + path +
		    (path.includes('?') ? '&' : '?') + 'filter=' + enc(filter);
		const line = 'GET ' + path + (path.includes('?') ? '&' : '?') +
		    'filter=' + filter;
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
			return {ok: true, text: line};
		return {ok: false, text: 'Failed: ' + line + ' answered HTTP ' +
		    r.status + (d && d.detail ? ': ' + d.detail :
		    r.status === 200 ? ': not an empty ListResponse' : '')};
	}

	/* Entra's "Test Connection" (doc/clients.md §3.3): a random userName
	 * looked up, then a random group displayName; both must be empty
	 * lists.  A 401 on either means the token is wrong. */
	async function probe(tenantUrl, token) {
		const u = await probeOne(tenantUrl, token, '/Users',
		    'userName eq "' + uuid() + '"');
		if (!u.ok)
			return u;
		const g = await probeOne(tenantUrl, token,
		    '/Groups?excludedAttributes=members',
		    'displayName eq "' + uuid() + '"');
		if (!g.ok)
			return g;
		return {ok: true, text: 'Connected: ' + u.text + ' and ' +
		    g.text + ' answered 200 with empty lists, as Entra ID ' +
		    'expects.'};
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
		const url = C.session().tenantUrl;
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
				fill(tokenArea, tokenBox(d.token,
				    'New token.'));
				test.disabled = false;
				fill(result);
			} catch (e) {
				showError(tokenArea, e);
			} finally {
				issue.disabled = false;
			}
		});
		test.addEventListener('click', async () => {
			test.disabled = true;
			fill(result, h('p', {class: 'muted'},
			    'Testing…'));
			const r = await probe(probeUrl, token);
			fill(result, alertBox(r.text,
			    r.ok ? 'ok' : 'error'));
			test.disabled = false;
		});

		fill(C.main, h('h1', {}, 'Connect ', h('span',
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
				if (!C.current(my))
					return;
				fill(box, table(d.tokens));
			} catch (e) {
				showError(box, e);
			}
		}

		async function act(fn, title) {
			try {
				const d = await fn();
				fill(notice, d && d.token ?
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
			fill(cell, h('span', {class: 'question'},
			    question), extra, ok, no);
			no.addEventListener('click', () =>
			    fill(cell, ...old));
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
		fill(C.main, h('h1', {}, 'Tokens of ', h('span',
		    {class: 'tenant'}, tenant)),
		    h('section', {class: 'card'}, h('h2', {}, 'Issue a token'),
			form, notice),
		    box);
		await load();
	}

	C.page('connect', pageConnect);
	C.page('tokens', pageTokens);
})();

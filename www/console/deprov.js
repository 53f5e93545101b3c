/*
 * The console's Deprovisioning page (README, "Operator console"): the
 * mass-deprovisioning breaker with its release and reset; restore of one
 * audit entry or of a whole sync cycle, its dry run shown first and the
 * restore made only on a second click; the audit log with the filters of
 * `scimlet audit list`.  The objects are those of `breaker status
 * --json`, `restore --json` and `audit list --json`.
 */
'use strict';

(function () {
	const C = window.scimlet;
	const {h, fill, api, when, count, alertBox, showError, pageTenant,
	    pickTenant, tpath, link, loading, field, facts,
	    heading} = C;

	/* Entries a restore undoes (README, "restore"). */
	const UNDOABLE = ['user.deactivated', 'user.deleted', 'group.deleted',
	    'member.removed'];

	function entries(n) {
		return n === 1 ? '1 entry' : n + ' entries';
	}

	function seconds(n) {
		if (n % 86400 === 0)
			return count(n / 86400, 'day');
		if (n % 3600 === 0)
			return count(n / 3600, 'hour');
		if (n % 60 === 0)
			return count(n / 60, 'minute');
		return count(n, 'second');
	}

	/* Two buttons that replace themselves: ask, then do. */
	function confirmButton(label, question, fn, id) {
		const wrap = h('span', {class: 'confirmable'});
		const first = h('button', {type: 'button', id: id || null},
		    label);
		first.addEventListener('click', () => {
			const yes = h('button', {type: 'button', class:
			    'danger confirm', id: id ? id + '-confirm' : null},
			    label);
			const no = h('button', {type: 'button'}, 'Cancel');
			fill(wrap, h('span', {class: 'question'},
			    question), yes, ' ', no);
			no.addEventListener('click', () =>
			    fill(wrap, first));
			yes.addEventListener('click', () => {
				yes.disabled = no.disabled = true;
				fn();
			});
		});
		wrap.append(first);
		return wrap;
	}

	async function pageDeprov(arg, my, r) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('deprov', 'Deprovisioning', my);
		const breakerBox = loading();
		const breakerMsg = h('div', {id: 'breaker-msg'});
		const plan = h('div', {id: 'restore-plan'});
		const auditBox = loading();

		/* ---- the breaker */
		async function loadBreaker() {
			try {
				const b = await api('GET', tpath(tenant,
				    'breaker'));
				if (!C.current(my))
					return;
				fill(breakerBox, breakerView(b));
			} catch (e) {
				showError(breakerBox, e);
			}
		}

		function breakerView(b) {
			const tripped = b.state === 'tripped';
			const pairs = [['State', h('strong', {id: 'breaker-state',
			    class: tripped ? 'bad' : null}, b.state)],
			    ['Setting', b.setting],
			    ['In its window', b.count + ' of ' + b.limit +
				' deprovisioning actions, window ' +
				seconds(b.window)],
			    ['Trips', b.trips]];
			if (tripped)
				pairs.push(['Tripped', when(b.tripped) + ' by ' +
				    'request ' + b.request + ' (' +
				    b['tripped-count'] + ' counted, limit ' +
				    b['tripped-limit'] + ')']);
			if (b.state === 'released')
				pairs.push(['Released until',
				    when(b['released-until'])]);
			const dur = h('select', {id: 'release-for'},
			    h('option', {value: '3600'}, '1 hour'),
			    h('option', {value: '14400'}, '4 hours'),
			    h('option', {value: '86400'}, '1 day'));
			const release = confirmButton('Release', 'Let ' +
			    'deprovisioning through for the time chosen?',
			    () => change('release', {for: Number(dur.value)},
			    'Released'), 'breaker-release');
			const reset = confirmButton('Reset', 'Empty the ' +
			    'window and arm the breaker again?', () =>
			    change('reset', {}, 'Reset'), 'breaker-reset');
			return h('div', {}, facts('breaker-facts', pairs),
			    tripped ? alertBox('Deprovisioning requests are ' +
				'held (refused) until the breaker is released ' +
				'or reset. Check the cause in the identity ' +
				'provider first.', 'error') : null,
			    b.state === 'off' ? null : h('p', {class: 'inline'},
				field('Release for', dur), release, ' ', reset));
		}

		async function change(what, body, title) {
			try {
				const b = await api('POST', tpath(tenant,
				    'breaker', what), body);
				fill(breakerMsg, alertBox(title +
				    ': the breaker is ' + b.state + '.', 'ok'));
			} catch (e) {
				showError(breakerMsg, e);
			}
			await loadBreaker();
			await loadAudit();
		}

		/* ---- restore: the dry run, then the restore */
		function entryRows(entries) {
			return entries.map((e) => h('li', {'data-seq': e.seq,
			    class: 'result-' + e.result},
			    h('strong', {}, e.result), ' #' + e.seq + ' ' +
			    e.action + ' ' + (e.type || '') + ' ' +
			    (e.name || e.id || ''),
			    (e.lines || []).length ? h('ul', {}, e.lines.map((l) =>
				h('li', {}, l))) : null));
		}

		function reportView(d) {
			const roles = (d.roles || []).map((x) => h('li', {},
			    (x.back ? 'role back: ' : 'role not back: ') +
			    (x.name || x.id) + ' ' + x.role + (x.why ? ' (' +
			    x.why + ')' : '')));
			return [h('ul', {class: 'entries'}, entryRows(d.entries ||
			    [])), roles.length ? h('ul', {class: 'roles'},
			    roles) : null, d.breaker ? h('p', {class: 'muted'},
			    'The breaker is armed again: ' + count(
			    d.breaker.counted, 'deprovisioning action') +
			    ' counted in its window again.') : null];
		}

		async function restore(body, what) {
			fill(plan, h('section', {class: 'card'},
			    h('p', {class: 'muted'}, 'Dry run of ' + what + '…')));
			plan.scrollIntoView({block: 'nearest'});
			let d;
			try {
				d = await api('POST', tpath(tenant, 'restore'),
				    Object.assign({dryRun: true}, body));
			} catch (e) {
				showError(plan, e);
				return;
			}
			if (!C.current(my))
				return;
			const can = d.ok !== false && d.restored > 0;
			const go = h('button', {type: 'button', id:
			    'restore-confirm', class: 'danger confirm'},
			    'Restore ' + entries(d.restored));
			const no = h('button', {type: 'button'}, 'Cancel');
			no.addEventListener('click', () => fill(plan));
			go.addEventListener('click', async () => {
				go.disabled = no.disabled = true;
				try {
					const x = await api('POST', tpath(tenant,
					    'restore'), Object.assign({dryRun: false},
					    body));
					fill(plan, h('section',
					    {class: 'card', id: 'restore-report'},
					    h('h2', {}, 'Restored: ' + what),
					    alertBox(entries(x.restored) +
						' restored.', 'ok'),
					    reportView(x)));
				} catch (e) {
					showError(plan, e);
				}
				await loadBreaker();
				await loadAudit();
			});
			fill(plan, h('section', {class: 'card',
			    id: 'restore-dry-run'},
			    h('h2', {}, 'Dry run: ' + what),
			    can ? alertBox('Would restore ' +
				entries(d.restored) + '; nothing is changed until you confirm.',
				'info') :
			    alertBox(d.ok === false ? 'Nothing can be ' +
				'restored: it would be refused (below).' :
				'Nothing to undo.', d.ok === false ? 'error' :
				'info'),
			    reportView(d),
			    h('p', {}, can ? go : null, ' ', no)));
		}

		const cycle = h('input', {id: 'restore-cycle', value:
		    r.query.get('cycle') || 'last', size: 20});
		const cycleForm = h('form', {id: 'restore-cycle-form',
		    class: 'inline'}, h('label', {for: 'restore-cycle'},
		    'Sync cycle (id or last)'), cycle, h('button',
		    {type: 'submit'}, 'Dry run'));
		cycleForm.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const c = cycle.value.trim() || 'last';
			restore({cycle: c}, 'cycle ' + c);
		});

		/* ---- the audit log */
		const FILTERS = [['since', 'Since', 'time or seq'],
		    ['action', 'Action', 'e.g. user.*'],
		    ['id', 'Resource id', 'id'], ['limit', 'Limit', '200']];
		const inputs = {};
		for (const [k, , hint] of FILTERS)
			inputs[k] = h('input', {id: 'a-' + k, placeholder: hint,
			    value: r.query.get(k) || '', size: k === 'limit' ?
			    5 : 16});
		const filter = h('form', {id: 'audit-filter', class: 'filters'},
		    FILTERS.map(([k, label]) => field(label, inputs[k])),
		    h('button', {type: 'submit'}, 'Show'),
		    h('a', {href: link('deprov', tenant)}, 'Clear'));
		filter.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const q = {};
			for (const k of Object.keys(inputs))
				q[k] = inputs[k].value.trim();
			location.hash = link('deprov', tenant, q);
		});
		const q = new URLSearchParams();
		for (const [k] of FILTERS)
			if (r.query.get(k))
				q.set(k, r.query.get(k));

		async function loadAudit() {
			try {
				const d = await api('GET', tpath(tenant, 'audit') +
				    (q.toString() ? '?' + q.toString() : ''));
				if (!C.current(my))
					return;
				fill(auditBox, C.auditTable('audit',
				    tenant, d.entries, (e) => UNDOABLE.includes(
				    e.action) ? h('button', {type: 'button',
				    class: 'restore', onclick: () => restore(
					{seq: e.seq}, 'entry #' + e.seq + ' (' +
					e.action + ' ' + (e.name || e.id) + ')')},
				    'Restore…') : null),
				    d.more ? h('p', {class: 'muted'}, 'Only the ' +
				    'newest ' + d.entries.length + ': narrow the ' +
				    'filters.') : null);
			} catch (e) {
				showError(auditBox, e);
			}
		}

		fill(C.main, heading('Deprovisioning of', tenant),
		    h('section', {class: 'card', id: 'breaker'},
			h('h2', {}, 'Mass-deprovisioning breaker'), breakerBox,
			breakerMsg),
		    h('section', {class: 'card'}, h('h2', {},
			'Restore a whole sync cycle'), h('p', {class: 'muted'},
			'Undoes every deprovisioning action of the cycle, ' +
			'all or nothing; a dry run first.'), cycleForm),
		    plan,
		    h('section', {class: 'card'}, h('h2', {},
			'Audit log (newest first)'), filter, auditBox));
		await Promise.all([loadBreaker(), loadAudit()]);
	}

	C.page('deprov', pageDeprov);
})();

/*
 * The console's Cycles and Activity pages (README, "Operator console"):
 * a tenant's sync cycles newest first, one cycle with its counts and its
 * failures first, and the activity log with the filters of `scimlet
 * activity`.  The objects are those of `scimlet cycles --json`, `cycle
 * --json` and `activity --json`.  While a cycle runs (or the list is
 * live) the page asks again every few seconds; leaving it stops that.
 */
'use strict';

(function () {
	const C = window.scimlet;
	const {h, fill, api, when, timeCell, count, showError, pageTenant,
	    pickTenant, tpath, link, loading, table, td, field, facts,
	    heading, poll} = C;

	const EVERY = 3000;	/* ms between two looks while live */

	/* "Live" and when the page last asked. */
	function liveBox(id, on) {
		const box = h('input', {type: 'checkbox', id: id,
		    checked: on});
		const stamp = h('span', {class: 'muted stamp'});
		return {box: box, stamp: stamp, el: h('span', {class: 'live'},
		    box, h('label', {for: id}, 'Live (every ' + EVERY / 1000 +
			' s)'), stamp),
		    mark() {
			stamp.textContent = 'updated ' +
			    new Date().toISOString().slice(11, 19) + ' UTC';
		    }};
	}

	function tokenName(c) {
		return c.label || c.token || '—';
	}

	/* ---- The cycle list ----------------------------------------- */

	function cycleRows(tenant, cycles) {
		return cycles.map((c) => h('tr', {'data-id': c.id,
		    class: c.running ? 'running' : null},
		    h('td', {class: 'time'}, h('a', {href: link('cycles',
			tenant, c.id)}, when(c.start))),
		    td(tokenName(c), 'label'),
		    td(c.requests, 'num requests'), td(c.creates, 'num'),
		    td(c.updates, 'num'), td(c.deactivations, 'num'),
		    td(c.deletes, 'num'),
		    td(c.failures, 'num failures' + (c.failures ? ' warn' :
			'')),
		    td(c.outstanding, 'num outstanding' + (c.outstanding ?
			' bad' : '')),
		    td(c.running ? 'running' : 'ended ' + when(c.end),
			'state')));
	}

	async function pageCycles(arg, my, r) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('cycles', 'Cycles', my);
		if (r.args[1])
			return pageCycle(tenant, r.args[1], my);
		const box = loading();
		const live = liveBox('cycles-live', true);
		fill(C.main, heading('Sync cycles of', tenant),
		    h('p', {class: 'bar'}, live.el, h('a', {href: link(
			'activity', tenant)}, 'Activity log')), box);
		let ticker = null;

		async function load() {
			const d = await api('GET', tpath(tenant, 'cycles') +
			    '?limit=50');
			if (!C.current(my))
				return false;
			fill(box, table('cycles', [['Start'],
			    ['Token'], ['Requests', 'num'], ['Creates', 'num'],
			    ['Updates', 'num'], ['Deactivations', 'num'],
			    ['Deletes', 'num'], ['Failures', 'num'],
			    ['Outstanding', 'num'], ['State']],
			    cycleRows(tenant, d.cycles), 'No sync cycle yet: ' +
			    'the first request of an identity provider starts ' +
			    'one.'), d.more ? h('p', {class: 'muted'},
			    'The newest 50.') : null);
			live.mark();
			return live.box.checked ||
			    d.cycles.some((c) => c.running);
		}

		function start() {
			if (ticker)
				ticker.stop();
			ticker = poll(my, EVERY, load);
		}
		live.box.addEventListener('change', start);
		try {
			if (await load() !== false)
				start();
		} catch (e) {
			showError(box, e);
		}
	}

	/* ---- One cycle ---------------------------------------------- */

	function resource(f, tenant) {
		const name = f.name || f.id || '';
		const page = f.resourceType === 'User' ? 'users' :
		    f.resourceType === 'Group' ? 'groups' : null;
		const label = (f.resourceType || '') + (name ? ' ' + name : '');
		return page && f.id ? h('a', {href: link(page, tenant, f.id)},
		    label) : label || '—';
	}

	function failureRows(tenant, failed) {
		return failed.map((f) => h('tr', {'data-request': f.request,
		    class: f.state},
		    timeCell(f.time),
		    h('td', {class: 'request'}, h('a', {href: link('activity',
			tenant, {request: f.request})}, f.request)),
		    h('td', {class: 'resource'}, resource(f, tenant)),
		    td(f.method + ' ' + f.path, 'path'),
		    td(f.status + (f.scimType ? ' ' + f.scimType : ''),
			'status'),
		    td(f.detail, 'detail'),
		    td(f.state === 'recovered' ? 'recovered' + (f.recovered_by ?
			' by ' + f.recovered_by : '') : f.state, 'fstate')));
	}

	function cycleFacts(c) {
		const reasons = Object.entries(c.reasons || {}).map(([k, v]) =>
		    k + ': ' + v).join(', ');
		return facts('cycle-facts', [
		    ['State', c.running ? 'running' : 'ended'],
		    ['Token', tokenName(c)],
		    ['Start', when(c.start)], ['End', when(c.end)],
		    ['Requests', c.requests], ['Reads', c.reads],
		    ['Creates', c.creates], ['Updates', c.updates],
		    ['Deactivations', c.deactivations],
		    ['Reactivations', c.reactivations],
		    ['Deletes', c.deletes], ['Restores', c.restores],
		    ['Members added', c.members_added],
		    ['Members removed', c.members_removed],
		    ['Role changes', c.role_changes],
		    ['Failures', c.failures], ['Outstanding', c.outstanding],
		    ['Held by the breaker', c.held],
		    ['Users', c.users], ['Groups', c.groups],
		    ['Failure reasons', reasons || '—']]);
	}

	async function pageCycle(tenant, id, my) {
		const box = loading();
		fill(C.main, heading('Sync cycle of', tenant,
		    ' ', h('code', {}, id)),
		    h('p', {class: 'bar'}, h('a', {href: link('cycles',
			tenant)}, '← all cycles'), h('a', {href: link('activity',
			tenant)}, 'Activity log'), h('a', {href: link('deprov',
			tenant, {cycle: id})}, 'Restore this cycle…')), box);

		async function load() {
			const d = await api('GET', tpath(tenant, 'cycles', id));
			if (!C.current(my))
				return false;
			const c = d.cycle;
			const touched = (c.touched || []).map((x) =>
			    h('li', {}, resource(x, tenant)));
			fill(box,
			    h('section', {class: 'card'}, h('h2', {},
				'Failures (outstanding first)'),
				table('failures', [['Time'], ['Request'],
				    ['Resource'], ['Request line'], ['Status'],
				    ['Detail the client got'], ['State']],
				    failureRows(tenant, c.failed || []),
				    'No failed request.')),
			    h('section', {class: 'card'}, h('h2', {},
				'Counts'), cycleFacts(c)),
			    h('section', {class: 'card'}, h('h2', {},
				'Resources it touched'), touched.length ?
				h('ul', {id: 'touched'}, touched) :
				h('p', {class: 'muted'}, 'None.')));
			return Boolean(c.running);
		}
		try {
			if (await load())
				poll(my, EVERY, load);
		} catch (e) {
			showError(box, e);
		}
	}

	/* ---- Activity ----------------------------------------------- */

	const FILTERS = [
	    ['since', 'Since', 'RFC 3339 time'],
	    ['last', 'Last', 'e.g. 30m, 2h'],
	    ['status', 'Status', '4xx, 5xx, 409'],
	    ['user', 'User', 'id or userName'],
	    ['group', 'Group', 'id or name'],
	    ['request', 'Request', 'request id'],
	    ['limit', 'Limit', '100']];

	function activityRows(tenant, records) {
		return records.slice().reverse().map((a) => {
			const bad = a.status >= 400;
			return h('tr', {'data-request': a.request,
			    class: bad ? 'failed' : null},
			    timeCell(a.time),
			    h('td', {class: 'request'}, h('a', {href: link(
				'activity', tenant, {request: a.request})},
				a.request)),
			    td(a.method + ' ' + a.path, 'path'),
			    td(a.status + (a.scimType ? ' ' + a.scimType : ''),
				'status' + (bad ? ' bad' : '')),
			    h('td', {class: 'resource'}, a.name || a.id ?
				resource(a, tenant) : '—'),
			    td(bad ? a.detail : a.summary || '', 'detail'),
			    td(a.duration_us === undefined ? null :
				(a.duration_us / 1000).toFixed(1) + ' ms',
				'num'));
		});
	}

	async function pageActivity(arg, my, r) {
		const tenant = pageTenant(arg);
		if (!tenant)
			return pickTenant('activity', 'Activity', my);
		const inputs = {};
		for (const [k, label, hint] of FILTERS)
			inputs[k] = h('input', {id: 'f-' + k, name: k,
			    placeholder: hint, value: r.query.get(k) || '',
			    size: k === 'limit' ? 5 : 14});
		const live = liveBox('activity-live', r.query.get('live') !==
		    '0');
		const form = h('form', {id: 'activity-filter',
		    class: 'filters'}, FILTERS.map(([k, label]) => field(label,
		    inputs[k])), h('button', {type: 'submit'}, 'Show'),
		    h('a', {href: link('activity', tenant)}, 'Clear'));
		const box = loading();
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const q = {};
			for (const k of Object.keys(inputs))
				q[k] = inputs[k].value.trim();
			if (!live.box.checked)
				q.live = '0';
			location.hash = link('activity', tenant, q);
		});
		fill(C.main, heading('Activity of', tenant),
		    h('section', {class: 'card'}, form), h('p', {class: 'bar'},
		    live.el, h('span', {class: 'muted'}, 'Newest first.')), box);
		const q = new URLSearchParams();
		for (const [k] of FILTERS)
			if (r.query.get(k))
				q.set(k, r.query.get(k));
		const path = tpath(tenant, 'activity') + (q.toString() ? '?' +
		    q.toString() : '');

		async function load() {
			const d = await api('GET', path);
			if (!C.current(my))
				return false;
			fill(box, C.activityTable(tenant,
			    d.records),
			    d.more ? h('p', {class: 'muted'}, 'Only the ' +
			    count(d.records.length, 'newest record') +
			    ': narrow the filters or raise the limit.') : null);
			live.mark();
			return live.box.checked;
		}
		let ticker = null;
		live.box.addEventListener('change', () => {
			if (ticker)
				ticker.stop();
			if (live.box.checked)
				ticker = poll(my, EVERY, load);
		});
		try {
			await load();
			if (live.box.checked)
				ticker = poll(my, EVERY, load);
		} catch (e) {
			showError(box, e);
		}
	}

	/* For the user page. */
	C.activityTable = (tenant, records) => table('activity', [['Time'],
	    ['Request'], ['Request line'], ['Status'], ['Resource'],
	    ['Summary or detail'], ['Duration', 'num']],
	    activityRows(tenant, records), 'No request.');
	C.resource = resource;

	C.page('cycles', pageCycles);
	C.page('activity', pageActivity);
})();
